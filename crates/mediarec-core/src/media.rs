//! What flows between the layers: raw frames in, encoded packets out.

use crate::time::Duration;

/// The kind of a track, as `MediaStreamTrack.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// `"audio"`.
    Audio,
    /// `"video"`.
    Video,
}

impl MediaKind {
    /// The web name: `"audio"` or `"video"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }
}

/// Identifies a track inside one recording (not the web's string `id`; that lives in
/// `mediarec-stream`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TrackId(pub u32);

/// The codecs mediarec knows how to name. Whether a build can *encode* one is a question
/// for its [`Formats`](crate::Formats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodecId {
    /// Opus (RFC 6716).
    Opus,
    /// Linear PCM, 32-bit float, little endian.
    PcmF32,
    /// Linear PCM, 16-bit signed, little endian.
    PcmS16,
    /// VP8.
    Vp8,
    /// VP9.
    Vp9,
}

impl CodecId {
    /// The track kind this codec carries.
    pub const fn kind(self) -> MediaKind {
        match self {
            CodecId::Opus | CodecId::PcmF32 | CodecId::PcmS16 => MediaKind::Audio,
            CodecId::Vp8 | CodecId::Vp9 => MediaKind::Video,
        }
    }

    /// The name used in a MIME `codecs=` parameter.
    pub const fn mime_name(self) -> &'static str {
        match self {
            CodecId::Opus => "opus",
            CodecId::PcmF32 | CodecId::PcmS16 => "pcm",
            CodecId::Vp8 => "vp8",
            CodecId::Vp9 => "vp9",
        }
    }
}

/// The containers mediarec knows how to name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContainerId {
    /// WebM (a Matroska subset; DocType `webm`).
    WebM,
    /// Matroska (DocType `matroska`).
    Matroska,
    /// Ogg.
    Ogg,
}

/// Interleaved samples of one audio frame.
#[derive(Debug, Clone, Copy)]
pub enum Samples<'a> {
    /// 32-bit float in [-1, 1].
    F32(&'a [f32]),
    /// 16-bit signed.
    I16(&'a [i16]),
}

impl Samples<'_> {
    /// Number of individual samples (all channels together).
    pub fn len(&self) -> usize {
        match self {
            Samples::F32(s) => s.len(),
            Samples::I16(s) => s.len(),
        }
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sample `i` as f32 in [-1, 1]; 0 when out of range.
    pub fn get_f32(&self, i: usize) -> f32 {
        match self {
            Samples::F32(s) => s.get(i).copied().unwrap_or(0.0),
            Samples::I16(s) => s.get(i).map_or(0.0, |&v| v as f32 / 32768.0),
        }
    }
}

/// A run of interleaved audio samples with the capture time of its first sample.
///
/// ```
/// use mediarec_core::{AudioFrame, Duration, Samples};
/// let pcm = [0.0f32; 960 * 2];
/// let f = AudioFrame { samples: Samples::F32(&pcm), channels: 2, sample_rate: 48_000,
///                      timestamp: Duration::ZERO };
/// assert_eq!(f.frames(), 960);
/// assert_eq!(f.duration(), Duration::from_millis(20));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AudioFrame<'a> {
    /// Interleaved samples.
    pub samples: Samples<'a>,
    /// Channels per sample frame (1 or more).
    pub channels: u16,
    /// Sample frames per second.
    pub sample_rate: u32,
    /// Capture time of the first sample, on the driver's media timeline.
    pub timestamp: Duration,
}

impl AudioFrame<'_> {
    /// Number of sample frames (samples per channel).
    pub fn frames(&self) -> usize {
        if self.channels == 0 { 0 } else { self.samples.len() / self.channels as usize }
    }

    /// How long the frame lasts.
    pub fn duration(&self) -> Duration {
        Duration::from_samples(self.frames() as u64, self.sample_rate)
    }
}

/// Pixel layouts a video encoder may accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PixelFormat {
    /// Planar Y, U, V with 2x2 chroma subsampling.
    I420,
    /// Packed 8-bit R, G, B, A.
    Rgba,
    /// Packed 8-bit B, G, R, A.
    Bgra,
}

/// One picture with the capture time it was taken at.
#[derive(Debug, Clone, Copy)]
pub struct VideoFrame<'a> {
    /// Pixel layout of `data`.
    pub format: PixelFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Tightly packed picture data (planes one after another for planar formats).
    pub data: &'a [u8],
    /// Capture time on the driver's media timeline.
    pub timestamp: Duration,
}

/// What an encoder says about a packet it produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketInfo {
    /// Bytes of the packet at the start of the caller's buffer.
    pub len: usize,
    /// Presentation time on the recording's media timeline.
    pub pts: Duration,
    /// How long the packet plays (before any trimming).
    pub duration: Duration,
    /// True when decoding can start here.
    pub keyframe: bool,
    /// Sample frames at the end of this packet that are padding and must be discarded
    /// (the end trimming of RFC 7845 / Matroska `DiscardPadding`), counted at the track's
    /// [`CodecConfig::sample_rate`] (48 kHz for Opus, whatever the input rate). Zero for video.
    pub discard_samples: u32,
}

/// An encoded packet on its way to a muxer.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// The encoded bytes.
    pub data: &'a [u8],
    /// Timing and flags.
    pub info: PacketInfo,
}

/// Codec-specific initialisation data (Matroska `CodecPrivate`, e.g. an `OpusHead`).
/// Stored inline so that configurations need no allocator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CodecPrivate {
    bytes: [u8; CodecPrivate::CAPACITY],
    len: u8,
}

impl CodecPrivate {
    /// The most bytes a `CodecPrivate` holds; enough for OpusHead with a channel map.
    pub const CAPACITY: usize = 64;

    /// An empty value (codecs without private data, such as VP8).
    pub const EMPTY: CodecPrivate = CodecPrivate { bytes: [0; Self::CAPACITY], len: 0 };

    /// Copies `bytes`, or returns `None` when they exceed [`Self::CAPACITY`].
    pub fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > Self::CAPACITY {
            return None;
        }
        let mut out = Self::EMPTY;
        out.bytes[..bytes.len()].copy_from_slice(bytes);
        out.len = bytes.len() as u8;
        Some(out)
    }

    /// The stored bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

impl core::fmt::Debug for CodecPrivate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("CodecPrivate").field(&self.as_bytes()).finish()
    }
}

/// Everything a muxer needs to describe one track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodecConfig {
    /// The codec.
    pub codec: CodecId,
    /// Audio sample rate of the encoded stream (0 for video).
    pub sample_rate: u32,
    /// Audio channels (0 for video).
    pub channels: u16,
    /// Bits per sample for PCM (0 otherwise).
    pub bit_depth: u16,
    /// Picture width (0 for audio).
    pub width: u32,
    /// Picture height (0 for audio).
    pub height: u32,
    /// Codec initialisation data.
    pub private: CodecPrivate,
    /// Delay the decoder adds at the start (Opus pre-skip), which players remove.
    pub codec_delay: Duration,
    /// How much earlier a decoder must start to be exact after a seek (Opus: 80 ms).
    pub seek_preroll: Duration,
}

impl CodecConfig {
    /// The track kind.
    pub const fn kind(&self) -> MediaKind {
        self.codec.kind()
    }

    /// A minimal audio configuration; callers fill in the codec-specific fields.
    ///
    /// ```
    /// use mediarec_core::{CodecConfig, CodecId};
    /// let c = CodecConfig::audio(CodecId::Opus, 48_000, 2);
    /// assert_eq!(c.channels, 2);
    /// ```
    pub const fn audio(codec: CodecId, sample_rate: u32, channels: u16) -> Self {
        CodecConfig {
            codec,
            sample_rate,
            channels,
            bit_depth: 0,
            width: 0,
            height: 0,
            private: CodecPrivate::EMPTY,
            codec_delay: Duration::ZERO,
            seek_preroll: Duration::ZERO,
        }
    }

    /// A minimal video configuration.
    pub const fn video(codec: CodecId, width: u32, height: u32) -> Self {
        CodecConfig {
            codec,
            sample_rate: 0,
            channels: 0,
            bit_depth: 0,
            width,
            height,
            private: CodecPrivate::EMPTY,
            codec_delay: Duration::ZERO,
            seek_preroll: Duration::ZERO,
        }
    }
}
