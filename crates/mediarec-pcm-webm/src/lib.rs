//! # mediarec-pcm-webm
//!
//! What a build without codecs records: PCM audio (`audio/webm;codecs=pcm`, as browsers
//! write it) in WebM or Matroska. [`PcmWebm`] is a complete [`Formats`] with no `std`, no
//! allocator and no C library, so firmware, fuzz targets, tests and benchmarks can run the
//! recorder without each writing its own. The packet buffer and the seek-index capacity are
//! const generics, so a microcontroller pays only for what it sets.
//!
//! ```
//! use mediarec_core::{CodecId, ContainerId, Formats, MediaKind};
//! use mediarec_pcm_webm::PcmWebm;
//!
//! // 2 KiB packets and room for 16 cue points: small enough for a microcontroller.
//! let formats: PcmWebm<2048, 16> = PcmWebm::default();
//! assert!(formats.supports(ContainerId::WebM, CodecId::PcmF32));
//! assert!(formats.supports(ContainerId::Matroska, CodecId::PcmS16));
//! assert!(!formats.supports(ContainerId::Ogg, CodecId::PcmF32));
//! assert_eq!(formats.default_codec(ContainerId::WebM, MediaKind::Audio), Some(CodecId::PcmF32));
//! ```
#![no_std]
#![forbid(unsafe_code)]

use mediarec_codec_pcm::{DEFAULT_PACKET_BYTES, PcmEncoder, PcmFormat};
use mediarec_core::{
    AudioParams, CodecId, ContainerId, EncoderSettings, ErrorKind, Formats, MediaKind, NoEncoder,
    VideoParams,
};
use mediarec_webm::{DEFAULT_CUE_CAPACITY, WebmMuxer};

/// PCM in WebM or Matroska: `PACKET` bytes per PCM packet at most, `CUES` cue points in
/// the seek index (thinned when full).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcmWebm<
    const PACKET: usize = DEFAULT_PACKET_BYTES,
    const CUES: usize = DEFAULT_CUE_CAPACITY,
> {
    /// The sample format used when the MIME type names no codec.
    pub default_format: PcmFormat,
}

impl<const PACKET: usize, const CUES: usize> Default for PcmWebm<PACKET, CUES> {
    /// 32-bit float by default, as browsers record `codecs=pcm`.
    fn default() -> Self {
        PcmWebm { default_format: PcmFormat::F32 }
    }
}

const fn codec_of(format: PcmFormat) -> CodecId {
    match format {
        PcmFormat::F32 => CodecId::PcmF32,
        PcmFormat::S16 => CodecId::PcmS16,
    }
}

impl<const PACKET: usize, const CUES: usize> Formats for PcmWebm<PACKET, CUES> {
    type Audio = PcmEncoder<PACKET>;
    type Video = NoEncoder;
    type Muxer = WebmMuxer<CUES>;

    fn supports(&self, container: ContainerId, codec: CodecId) -> bool {
        self.supports_container(container) && matches!(codec, CodecId::PcmF32 | CodecId::PcmS16)
    }

    fn supports_container(&self, container: ContainerId) -> bool {
        matches!(container, ContainerId::WebM | ContainerId::Matroska)
    }

    fn default_codec(&self, _: ContainerId, kind: MediaKind) -> Option<CodecId> {
        (kind == MediaKind::Audio).then_some(codec_of(self.default_format))
    }

    fn audio_encoder(
        &mut self,
        codec: CodecId,
        input: AudioParams,
        _: EncoderSettings,
    ) -> Result<Self::Audio, ErrorKind> {
        match codec {
            CodecId::PcmF32 => PcmEncoder::try_new(input, PcmFormat::F32),
            CodecId::PcmS16 => PcmEncoder::try_new(input, PcmFormat::S16),
            _ => Err(ErrorKind::Unsupported),
        }
    }

    fn video_encoder(
        &mut self,
        _: CodecId,
        _: VideoParams,
        _: EncoderSettings,
    ) -> Result<NoEncoder, ErrorKind> {
        Err(ErrorKind::Unsupported)
    }

    fn muxer(&mut self, container: ContainerId) -> Result<Self::Muxer, ErrorKind> {
        WebmMuxer::for_container(container).map_err(|_| ErrorKind::Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediarec_recorder::is_type_supported;

    #[test]
    fn answers_is_type_supported_for_pcm_only() {
        let f: PcmWebm = PcmWebm::default();
        assert!(is_type_supported(&f, "audio/webm;codecs=pcm"));
        assert!(is_type_supported(&f, "audio/x-matroska;codecs=pcm"));
        assert!(is_type_supported(&f, ""));
        assert!(!is_type_supported(&f, "audio/webm;codecs=opus"));
        assert!(!is_type_supported(&f, "audio/ogg"));
    }

    #[test]
    fn encoders_follow_the_requested_codec() {
        let mut f: PcmWebm<64, 4> = PcmWebm { default_format: PcmFormat::S16 };
        let p = AudioParams { sample_rate: 48_000, channels: 1 };
        let s = EncoderSettings { bits_per_second: 0, bitrate_mode: Default::default() };
        use mediarec_core::AudioEncoder;
        assert_eq!(f.audio_encoder(CodecId::PcmF32, p, s).map(|e| e.config().bit_depth), Ok(32));
        assert_eq!(f.audio_encoder(CodecId::PcmS16, p, s).map(|e| e.config().bit_depth), Ok(16));
        assert_eq!(f.default_codec(ContainerId::WebM, MediaKind::Audio), Some(CodecId::PcmS16));
        assert!(f.audio_encoder(CodecId::Opus, p, s).is_err());
        assert!(f.muxer(ContainerId::Ogg).is_err());
    }
}
