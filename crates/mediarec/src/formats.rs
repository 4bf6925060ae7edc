//! What this build records: the registry of containers and codecs behind
//! `isTypeSupported` and `start()`.

use mediarec_codec_opus::{OpusEncoder, OpusError, OpusOptions};
use mediarec_codec_pcm::{PcmEncoder, PcmError, PcmFormat};
use mediarec_codec_vpx::{VpxEncoder, VpxOptions};
use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, ByteSink, CodecConfig, CodecId, ContainerId, Duration,
    EncoderSettings, Error as _, ErrorKind, Formats, MediaKind, MuxTrack, Muxer, Packet,
    PacketInfo, VideoParams,
};
use mediarec_ogg::OggOpusMuxer;
use mediarec_webm::WebmMuxer;

use crate::threaded::ThreadedAudioEncoder;

/// Every (container, codec) pair this build records, in the order `mediarec types` lists
/// them.
pub const SUPPORTED: &[(ContainerId, CodecId)] = &[
    (ContainerId::WebM, CodecId::Opus),
    (ContainerId::WebM, CodecId::PcmF32),
    (ContainerId::WebM, CodecId::Vp8),
    (ContainerId::WebM, CodecId::Vp9),
    (ContainerId::Matroska, CodecId::Opus),
    (ContainerId::Matroska, CodecId::PcmF32),
    (ContainerId::Matroska, CodecId::PcmS16),
    (ContainerId::Matroska, CodecId::Vp8),
    (ContainerId::Matroska, CodecId::Vp9),
    (ContainerId::Ogg, CodecId::Opus),
];

/// The formats of this build: WebM and Matroska (Opus, PCM, VP8, VP9), Ogg (Opus).
///
/// ```
/// use mediarec::StdFormats;
/// use mediarec_recorder::is_type_supported;
/// assert!(is_type_supported(&StdFormats::default(), "audio/webm;codecs=opus"));
/// assert!(is_type_supported(&StdFormats::default(), "audio/ogg; codecs=\"opus\""));
/// assert!(!is_type_supported(&StdFormats::default(), "audio/ogg;codecs=vp8"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StdFormats {
    /// Opus encoder choices (complexity, frame duration, channels).
    pub opus: OpusOptions,
    /// VP8/VP9 encoder choices (speed, threads).
    pub vpx: VpxOptions,
    /// Encode Opus on a thread of its own ([`ThreadedAudioEncoder`]), so that reading,
    /// muxing and writing overlap encoding. Default: when the machine has more than one
    /// core (a file then encodes in about libopus's time alone).
    pub encoder_thread: bool,
}

impl Default for StdFormats {
    fn default() -> Self {
        StdFormats {
            opus: OpusOptions::default(),
            vpx: VpxOptions::default(),
            encoder_thread: std::thread::available_parallelism().is_ok_and(|n| n.get() > 1),
        }
    }
}

impl Formats for StdFormats {
    type Audio = AnyAudioEncoder;
    type Video = VpxEncoder;
    type Muxer = AnyMuxer;

    fn supports(&self, container: ContainerId, codec: CodecId) -> bool {
        SUPPORTED.contains(&(container, codec))
    }

    fn supports_container(&self, container: ContainerId) -> bool {
        SUPPORTED.iter().any(|&(c, _)| c == container)
    }

    fn default_codec(&self, container: ContainerId, kind: MediaKind) -> Option<CodecId> {
        match (kind, container) {
            (MediaKind::Audio, _) => Some(CodecId::Opus),
            (MediaKind::Video, ContainerId::WebM | ContainerId::Matroska) => Some(CodecId::Vp8),
            (MediaKind::Video, _) => None,
        }
    }

    fn audio_encoder(
        &mut self,
        codec: CodecId,
        input: AudioParams,
        settings: EncoderSettings,
    ) -> Result<AnyAudioEncoder, ErrorKind> {
        match codec {
            CodecId::Opus if self.encoder_thread => {
                let e = OpusEncoder::new(input, settings, self.opus).map_err(|e| e.kind())?;
                ThreadedAudioEncoder::new(e, input)
                    .map(|e| AnyAudioEncoder::ThreadedOpus(Box::new(e)))
                    .map_err(|e| e.kind())
            }
            CodecId::Opus => OpusEncoder::new(input, settings, self.opus)
                .map(|e| AnyAudioEncoder::Opus(Box::new(e)))
                .map_err(|e| e.kind()),
            CodecId::PcmF32 => PcmEncoder::try_new(input, PcmFormat::F32)
                .map(|e| AnyAudioEncoder::Pcm(Box::new(e))),
            CodecId::PcmS16 => PcmEncoder::try_new(input, PcmFormat::S16)
                .map(|e| AnyAudioEncoder::Pcm(Box::new(e))),
            _ => Err(ErrorKind::Unsupported),
        }
    }

    fn video_encoder(
        &mut self,
        codec: CodecId,
        input: VideoParams,
        settings: EncoderSettings,
    ) -> Result<VpxEncoder, ErrorKind> {
        VpxEncoder::new(codec, input, settings, self.vpx).map_err(|e| e.kind())
    }

    fn muxer(&mut self, container: ContainerId) -> Result<AnyMuxer, ErrorKind> {
        match container {
            ContainerId::WebM | ContainerId::Matroska => WebmMuxer::for_container(container)
                .map(|m| AnyMuxer::Webm(Box::new(m)))
                .map_err(|e| e.kind()),
            ContainerId::Ogg => Ok(AnyMuxer::Ogg(Box::new(OggOpusMuxer::new()))),
            _ => Err(ErrorKind::Unsupported),
        }
    }
}

/// One of this build's audio encoders.
pub enum AnyAudioEncoder {
    /// libopus (boxed: it holds its frame and resampler buffers inline).
    Opus(Box<OpusEncoder>),
    /// libopus on an encoder thread ([`StdFormats::encoder_thread`]).
    ThreadedOpus(Box<ThreadedAudioEncoder<OpusEncoder>>),
    /// PCM (boxed: it holds a packet-sized buffer inline).
    Pcm(Box<PcmEncoder>),
}

/// The error of any of this build's encoders or muxers, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnyError(pub ErrorKind);

impl mediarec_core::Error for AnyError {
    fn kind(&self) -> ErrorKind {
        self.0
    }
}

fn any<E: mediarec_core::Error>(e: E) -> AnyError {
    AnyError(e.kind())
}

impl AudioEncoder for AnyAudioEncoder {
    type Error = AnyError;
    fn config(&self) -> &CodecConfig {
        match self {
            AnyAudioEncoder::Opus(e) => e.config(),
            AnyAudioEncoder::ThreadedOpus(e) => e.config(),
            AnyAudioEncoder::Pcm(e) => e.config(),
        }
    }
    fn push(&mut self, frame: &AudioFrame<'_>) -> Result<usize, AnyError> {
        match self {
            AnyAudioEncoder::Opus(e) => e.push(frame).map_err(any::<OpusError>),
            AnyAudioEncoder::ThreadedOpus(e) => e.push(frame).map_err(any),
            AnyAudioEncoder::Pcm(e) => e.push(frame).map_err(any::<PcmError>),
        }
    }
    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, AnyError> {
        match self {
            AnyAudioEncoder::Opus(e) => e.pull(out).map_err(any),
            AnyAudioEncoder::ThreadedOpus(e) => e.pull(out).map_err(any),
            AnyAudioEncoder::Pcm(e) => e.pull(out).map_err(any),
        }
    }
    fn finish(&mut self) -> Result<(), AnyError> {
        match self {
            AnyAudioEncoder::Opus(e) => e.finish().map_err(any),
            AnyAudioEncoder::ThreadedOpus(e) => e.finish().map_err(any),
            AnyAudioEncoder::Pcm(e) => e.finish().map_err(any),
        }
    }
    fn max_packet_len(&self) -> usize {
        match self {
            AnyAudioEncoder::Opus(e) => e.max_packet_len(),
            AnyAudioEncoder::ThreadedOpus(e) => e.max_packet_len(),
            AnyAudioEncoder::Pcm(e) => e.max_packet_len(),
        }
    }
}

/// One of this build's muxers (boxed: their index tables are large).
pub enum AnyMuxer {
    /// WebM or Matroska.
    Webm(Box<WebmMuxer>),
    /// Ogg.
    Ogg(Box<OggOpusMuxer>),
}

macro_rules! each_muxer {
    ($self:ident, $m:ident => $e:expr) => {
        match $self {
            AnyMuxer::Webm($m) => $e.map_err(any),
            AnyMuxer::Ogg($m) => $e.map_err(any),
        }
    };
}

impl Muxer for AnyMuxer {
    type Error = AnyError;
    fn add_track(&mut self, config: &CodecConfig) -> Result<MuxTrack, AnyError> {
        each_muxer!(self, m => m.add_track(config))
    }
    fn write_header(&mut self, sink: &mut dyn ByteSink) -> Result<(), AnyError> {
        each_muxer!(self, m => m.write_header(sink))
    }
    fn write_packet(
        &mut self,
        track: MuxTrack,
        packet: &Packet<'_>,
        sink: &mut dyn ByteSink,
    ) -> Result<(), AnyError> {
        each_muxer!(self, m => m.write_packet(track, packet, sink))
    }
    fn cut(&mut self, sink: &mut dyn ByteSink) -> Result<(), AnyError> {
        each_muxer!(self, m => m.cut(sink))
    }
    fn finish(&mut self, sink: &mut dyn ByteSink) -> Result<(), AnyError> {
        each_muxer!(self, m => m.finish(sink))
    }
    fn self_contained_blobs(&mut self) -> bool {
        match self {
            AnyMuxer::Webm(m) => m.self_contained_blobs(),
            AnyMuxer::Ogg(m) => m.self_contained_blobs(),
        }
    }
    fn max_packet_overhead(&self) -> usize {
        match self {
            AnyMuxer::Webm(m) => m.max_packet_overhead(),
            AnyMuxer::Ogg(m) => m.max_packet_overhead(),
        }
    }
    fn max_finish_len(&self) -> usize {
        match self {
            AnyMuxer::Webm(m) => m.max_finish_len(),
            AnyMuxer::Ogg(m) => m.max_finish_len(),
        }
    }
    fn duration(&self) -> Duration {
        match self {
            AnyMuxer::Webm(m) => m.duration(),
            AnyMuxer::Ogg(m) => m.duration(),
        }
    }
}
