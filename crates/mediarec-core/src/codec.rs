//! The traits cut where data flows: encoders, muxers, and the [`Formats`] a build offers.

use crate::error::Error;
use crate::media::{AudioFrame, CodecConfig, CodecId, ContainerId, Packet, PacketInfo, VideoFrame};
use crate::sink::ByteSink;
use crate::time::Duration;

/// `BitrateMode` of the web API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BitrateMode {
    /// `"constant"`.
    Constant,
    /// `"variable"` (the default).
    #[default]
    Variable,
}

impl BitrateMode {
    /// The web name.
    pub const fn as_str(self) -> &'static str {
        match self {
            BitrateMode::Constant => "constant",
            BitrateMode::Variable => "variable",
        }
    }
}

/// The raw audio a track delivers, as negotiated at `start()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioParams {
    /// Sample frames per second.
    pub sample_rate: u32,
    /// Channels.
    pub channels: u16,
}

/// The raw video a track delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoParams {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Nominal frames per second (0 when frames come on request).
    pub frame_rate: u32,
}

/// Encoder targets chosen by the recorder from the options (`audioBitsPerSecond`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderSettings {
    /// Target bits per second for this track.
    pub bits_per_second: u32,
    /// Constant or variable bitrate (audio).
    pub bitrate_mode: BitrateMode,
}

/// Push raw audio, pull packets.
///
/// The shape handles encoders that re-chunk (a device gives 441 frames, Opus wants 960)
/// and encoders with look-ahead, without allocating: [`AudioEncoder::push`] takes as many
/// sample frames as it can hold and says how many; [`AudioEncoder::pull`] then hands out
/// finished packets until it returns `None`. The first frame's timestamp anchors the
/// encoder's timeline; later packet times advance by the samples encoded, so the
/// output timeline is gapless.
pub trait AudioEncoder {
    /// The encoder's error type.
    type Error: Error;
    /// What the muxer needs to describe the encoded track.
    fn config(&self) -> &CodecConfig;
    /// Offers `frame`; returns how many sample frames were taken. Returns 0 only while a
    /// finished packet waits to be pulled.
    fn push(&mut self, frame: &AudioFrame<'_>) -> Result<usize, Self::Error>;
    /// Copies the next finished packet into `out` (at least [`AudioEncoder::max_packet_len`]
    /// bytes), or returns `None` when there is none.
    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, Self::Error>;
    /// End of input: encode what is buffered, padding the last packet and reporting the
    /// padding in [`PacketInfo::discard_samples`]. Pull until `None` afterwards.
    fn finish(&mut self) -> Result<(), Self::Error>;
    /// The largest packet `pull` can produce.
    fn max_packet_len(&self) -> usize;
}

/// Push pictures, pull packets. Call `pull` until `None` after every `push`.
pub trait VideoEncoder {
    /// The encoder's error type.
    type Error: Error;
    /// What the muxer needs to describe the encoded track.
    fn config(&self) -> &CodecConfig;
    /// Encodes one picture; `keyframe` forces a key frame.
    fn push(&mut self, frame: &VideoFrame<'_>, keyframe: bool) -> Result<(), Self::Error>;
    /// Copies the next finished packet into `out`, or returns `None`.
    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, Self::Error>;
    /// End of input: drain look-ahead. Pull until `None` afterwards.
    fn finish(&mut self) -> Result<(), Self::Error>;
    /// The largest packet `pull` can produce.
    fn max_packet_len(&self) -> usize;
}

/// A track number inside one muxer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MuxTrack(pub u8);

/// A streaming container writer.
///
/// Tracks are added first, then the header is written, then packets in non-decreasing
/// time order, then `finish`. A muxer writes through `&mut dyn ByteSink` and never holds
/// the output; when the sink [can patch](ByteSink::can_patch) it makes the file seekable
/// (sizes, duration, index) with patches instead of rewriting it.
pub trait Muxer {
    /// The muxer's error type.
    type Error: Error;
    /// Declares a track; must come before [`Muxer::write_header`].
    fn add_track(&mut self, config: &CodecConfig) -> Result<MuxTrack, Self::Error>;
    /// Writes the container header.
    fn write_header(&mut self, sink: &mut dyn ByteSink) -> Result<(), Self::Error>;
    /// Writes one packet (with whatever framing it needs).
    fn write_packet(
        &mut self,
        track: MuxTrack,
        packet: &Packet<'_>,
        sink: &mut dyn ByteSink,
    ) -> Result<(), Self::Error>;
    /// A `dataavailable` blob ends here: make the next bytes start at a point where a reader
    /// can resume (WebM: a new Cluster; Ogg: a page boundary).
    fn cut(&mut self, sink: &mut dyn ByteSink) -> Result<(), Self::Error>;
    /// Makes every blob after a [`Muxer::cut`] a file of its own, with its own header and
    /// timeline starting at zero (through [`ByteSink::write_blob_only`] and
    /// [`ByteSink::write_file_only`]), while the output file stays one stream. Returns false
    /// when the container cannot; call before the header is written.
    fn self_contained_blobs(&mut self) -> bool {
        false
    }
    /// Ends the stream; when the sink can patch, finalises sizes, duration and index.
    fn finish(&mut self, sink: &mut dyn ByteSink) -> Result<(), Self::Error>;
    /// The most bytes `write_packet` appends beyond the payload (block and cluster headers).
    fn max_packet_overhead(&self) -> usize;
    /// The most bytes `cut` or `finish` appends or patches.
    fn max_finish_len(&self) -> usize;
    /// Media time written so far (end of the latest packet), for `timecode`s and `Duration`.
    fn duration(&self) -> Duration;
}

/// The containers and codecs one build can record: a factory the recorder asks for
/// encoders and a muxer at `start()`, and the truth behind `isTypeSupported`.
pub trait Formats {
    /// Audio encoders this build makes.
    type Audio: AudioEncoder;
    /// Video encoders this build makes.
    type Video: VideoEncoder;
    /// Muxers this build makes.
    type Muxer: Muxer;

    /// True when `codec` can be recorded into `container`.
    fn supports(&self, container: ContainerId, codec: CodecId) -> bool;
    /// True when `container` can be written at all.
    fn supports_container(&self, container: ContainerId) -> bool;
    /// The codec used for a track of `kind` when the MIME type names none.
    fn default_codec(&self, container: ContainerId, kind: crate::MediaKind) -> Option<CodecId>;
    /// A new audio encoder for one track.
    fn audio_encoder(
        &mut self,
        codec: CodecId,
        input: AudioParams,
        settings: EncoderSettings,
    ) -> Result<Self::Audio, crate::ErrorKind>;
    /// A new video encoder for one track.
    fn video_encoder(
        &mut self,
        codec: CodecId,
        input: VideoParams,
        settings: EncoderSettings,
    ) -> Result<Self::Video, crate::ErrorKind>;
    /// A new muxer.
    fn muxer(&mut self, container: ContainerId) -> Result<Self::Muxer, crate::ErrorKind>;
}

/// An encoder type with no values, for recorders that never see that kind of track
/// (audio-only or video-only builds). Costs nothing.
#[derive(Debug)]
pub enum NoEncoder {}

impl AudioEncoder for NoEncoder {
    type Error = core::convert::Infallible;
    fn config(&self) -> &CodecConfig {
        match *self {}
    }
    fn push(&mut self, _: &AudioFrame<'_>) -> Result<usize, Self::Error> {
        match *self {}
    }
    fn pull(&mut self, _: &mut [u8]) -> Result<Option<PacketInfo>, Self::Error> {
        match *self {}
    }
    fn finish(&mut self) -> Result<(), Self::Error> {
        match *self {}
    }
    fn max_packet_len(&self) -> usize {
        match *self {}
    }
}

impl VideoEncoder for NoEncoder {
    type Error = core::convert::Infallible;
    fn config(&self) -> &CodecConfig {
        match *self {}
    }
    fn push(&mut self, _: &VideoFrame<'_>, _: bool) -> Result<(), Self::Error> {
        match *self {}
    }
    fn pull(&mut self, _: &mut [u8]) -> Result<Option<PacketInfo>, Self::Error> {
        match *self {}
    }
    fn finish(&mut self) -> Result<(), Self::Error> {
        match *self {}
    }
    fn max_packet_len(&self) -> usize {
        match *self {}
    }
}
