//! `TrackEntry` as a file declares it, and its mapping to a muxer configuration.

use mediarec_core::{CodecConfig, CodecId, CodecPrivate, Duration, MediaKind};
use mediarec_ebml::{Reader, ids, read_float, read_str, read_uint};

use super::problem::FixError;

/// `ContentEncodings`: compressed or encrypted frames, which `fix` cannot copy as they are.
const CONTENT_ENCODINGS: u32 = 0x6D80;
/// `OutputSamplingFrequency` (HE-AAC style doubling).
const OUTPUT_SAMPLING_FREQUENCY: u32 = 0x78B5;

/// One `TrackEntry`, with the fields a reader or a remuxer needs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrackEntry {
    /// `TrackNumber`: what blocks refer to.
    pub number: u64,
    /// `TrackUID`.
    pub uid: u64,
    /// `TrackType`: 1 video, 2 audio, others for subtitles and the like.
    pub track_type: u64,
    /// `CodecID` (`A_OPUS`, `V_VP8`, …).
    pub codec_id: String,
    /// `CodecPrivate`.
    pub codec_private: Vec<u8>,
    /// `CodecDelay` in nanoseconds.
    pub codec_delay_ns: u64,
    /// `SeekPreRoll` in nanoseconds.
    pub seek_preroll_ns: u64,
    /// `DefaultDuration` in nanoseconds, when declared.
    pub default_duration_ns: Option<u64>,
    /// `SamplingFrequency` (Hz); the Matroska default is 8000.
    pub sampling_frequency: f64,
    /// `OutputSamplingFrequency`, when declared.
    pub output_sampling_frequency: Option<f64>,
    /// `Channels`; the Matroska default is 1.
    pub channels: u64,
    /// `BitDepth` (0 when absent).
    pub bit_depth: u64,
    /// `PixelWidth`.
    pub width: u64,
    /// `PixelHeight`.
    pub height: u64,
    /// True when `ContentEncodings` are declared (compressed or encrypted frames).
    pub content_encoded: bool,
}

impl TrackEntry {
    /// The kind of track, for audio and video.
    pub fn kind(&self) -> Option<MediaKind> {
        match self.track_type {
            1 => Some(MediaKind::Video),
            2 => Some(MediaKind::Audio),
            _ => None,
        }
    }

    /// `"audio"`, `"video"` or `"other"`.
    pub fn kind_name(&self) -> &'static str {
        self.kind().map_or("other", MediaKind::as_str)
    }

    /// The sample rate as an integer (0 when absent or nonsensical).
    pub fn sample_rate(&self) -> u32 {
        let f = self.sampling_frequency;
        if f.is_finite() && f >= 1.0 && f <= f64::from(u32::MAX) { f.round() as u32 } else { 0 }
    }

    /// Parses the children of a `TrackEntry` master.
    pub(crate) fn parse(mut r: Reader<'_>) -> TrackEntry {
        let mut t = TrackEntry { sampling_frequency: 8000.0, channels: 1, ..TrackEntry::default() };
        while let Ok(Some(h)) = r.next_header() {
            if h.id == ids::AUDIO || h.id == ids::VIDEO {
                let mut inner = r.enter(&h);
                while let Ok(Some(c)) = inner.next_header() {
                    let Ok(d) = inner.read_data(&c) else { break };
                    match c.id {
                        ids::SAMPLING_FREQUENCY => {
                            t.sampling_frequency = read_float(d).unwrap_or(0.0);
                        }
                        OUTPUT_SAMPLING_FREQUENCY => {
                            t.output_sampling_frequency = read_float(d).ok();
                        }
                        ids::CHANNELS => t.channels = read_uint(d).unwrap_or(0),
                        ids::BIT_DEPTH => t.bit_depth = read_uint(d).unwrap_or(0),
                        ids::PIXEL_WIDTH => t.width = read_uint(d).unwrap_or(0),
                        ids::PIXEL_HEIGHT => t.height = read_uint(d).unwrap_or(0),
                        _ => {}
                    }
                }
                if r.leave(&inner).is_err() {
                    break;
                }
                continue;
            }
            if h.id == CONTENT_ENCODINGS {
                t.content_encoded = true;
            }
            let Ok(d) = r.read_data(&h) else { break };
            match h.id {
                ids::TRACK_NUMBER => t.number = read_uint(d).unwrap_or(0),
                ids::TRACK_UID => t.uid = read_uint(d).unwrap_or(0),
                ids::TRACK_TYPE => t.track_type = read_uint(d).unwrap_or(0),
                ids::CODEC_ID => t.codec_id = read_str(d).unwrap_or("").to_string(),
                ids::CODEC_PRIVATE => t.codec_private = d.to_vec(),
                ids::CODEC_DELAY => t.codec_delay_ns = read_uint(d).unwrap_or(0),
                ids::SEEK_PRE_ROLL => t.seek_preroll_ns = read_uint(d).unwrap_or(0),
                ids::DEFAULT_DURATION => t.default_duration_ns = read_uint(d).ok(),
                _ => {}
            }
        }
        t
    }

    /// The codec this track maps to, or the reason it cannot be carried over.
    pub fn codec(&self) -> Result<CodecId, FixError> {
        let unsupported = |detail: &str| FixError::UnsupportedCodec(detail.to_string());
        let codec = match self.codec_id.as_str() {
            "A_OPUS" => CodecId::Opus,
            "V_VP8" => CodecId::Vp8,
            "V_VP9" => CodecId::Vp9,
            "A_PCM/FLOAT/IEEE" => match self.bit_depth {
                0 | 32 => CodecId::PcmF32,
                d => return Err(unsupported(&format!("A_PCM/FLOAT/IEEE ({d}-bit)"))),
            },
            "A_PCM/INT/LIT" => match self.bit_depth {
                16 => CodecId::PcmS16,
                d => return Err(unsupported(&format!("A_PCM/INT/LIT ({d}-bit)"))),
            },
            "" => return Err(unsupported("(no CodecID)")),
            other => return Err(unsupported(other)),
        };
        if self.content_encoded {
            return Err(unsupported(&format!("{} with ContentEncodings", self.codec_id)));
        }
        Ok(codec)
    }

    /// The muxer configuration that carries this track over unchanged.
    pub fn codec_config(&self) -> Result<CodecConfig, FixError> {
        let codec = self.codec()?;
        let invalid = |reason| FixError::InvalidTrack { track: self.number, reason };
        if self.number == 0 {
            return Err(invalid("track number 0"));
        }
        if self.kind() != Some(codec.kind()) {
            return Err(invalid("TrackType does not match the codec"));
        }
        let mut config = match codec.kind() {
            MediaKind::Audio => {
                let channels = u16::try_from(self.channels)
                    .ok()
                    .filter(|&c| c > 0)
                    .ok_or(invalid("audio track without channels"))?;
                let rate = match (codec, self.sample_rate()) {
                    // Opus always decodes at 48 kHz; some writers put the input rate here.
                    (CodecId::Opus, _) => 48_000,
                    (_, 0) => return Err(invalid("audio track without a sampling frequency")),
                    (_, r) => r,
                };
                let mut c = CodecConfig::audio(codec, rate, channels);
                c.bit_depth = match codec {
                    CodecId::PcmS16 => 16,
                    CodecId::PcmF32 => 32,
                    _ => 0,
                };
                c
            }
            MediaKind::Video => {
                let w = u32::try_from(self.width).ok().filter(|&w| w > 0);
                let h = u32::try_from(self.height).ok().filter(|&h| h > 0);
                match (w, h) {
                    (Some(w), Some(h)) => CodecConfig::video(codec, w, h),
                    _ => return Err(invalid("video track without a picture size")),
                }
            }
        };
        config.private =
            CodecPrivate::new(&self.codec_private).ok_or(invalid("CodecPrivate is too large"))?;
        config.codec_delay = Duration::from_micros(self.codec_delay_ns / 1000);
        config.seek_preroll = Duration::from_micros(self.seek_preroll_ns / 1000);
        Ok(config)
    }

    /// Bytes per sample frame of a PCM track (0 for other codecs).
    pub(crate) fn pcm_frame_bytes(&self) -> u64 {
        match self.codec_id.as_str() {
            "A_PCM/FLOAT/IEEE" | "A_PCM/INT/LIT" | "A_PCM/INT/BIG" => {
                self.channels.saturating_mul(self.bit_depth / 8)
            }
            _ => 0,
        }
    }
}

/// Parses the children of a `Tracks` master.
pub(crate) fn parse_tracks(mut r: Reader<'_>) -> Vec<TrackEntry> {
    let mut out = Vec::new();
    while let Ok(Some(h)) = r.next_header() {
        if h.id == ids::TRACK_ENTRY {
            let entry = r.enter(&h);
            out.push(TrackEntry::parse(entry));
            if r.leave(&entry).is_err() {
                break;
            }
        } else if r.skip_data(&h).is_err() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opus() -> TrackEntry {
        TrackEntry {
            number: 1,
            track_type: 2,
            codec_id: "A_OPUS".into(),
            codec_private: b"OpusHead\x01\x02\x38\x01\x80\xbb\0\0\0\0\0".to_vec(),
            codec_delay_ns: 6_500_000,
            seek_preroll_ns: 80_000_000,
            sampling_frequency: 48_000.0,
            channels: 2,
            bit_depth: 32,
            ..TrackEntry::default()
        }
    }

    #[test]
    fn opus_maps_with_private_delay_and_preroll() {
        let c = opus().codec_config().unwrap();
        assert_eq!(
            (c.codec, c.sample_rate, c.channels, c.bit_depth),
            (CodecId::Opus, 48_000, 2, 0)
        );
        assert_eq!(c.private.as_bytes().len(), 19);
        assert_eq!(c.codec_delay, Duration::from_micros(6_500));
        assert_eq!(c.seek_preroll, Duration::from_millis(80));
    }

    #[test]
    fn pcm_depths_and_unsupported_codecs_are_named() {
        let mut t = opus();
        t.codec_id = "A_PCM/INT/LIT".into();
        t.bit_depth = 16;
        assert_eq!(t.codec_config().unwrap().codec, CodecId::PcmS16);
        t.bit_depth = 24;
        assert!(matches!(t.codec(), Err(FixError::UnsupportedCodec(s)) if s.contains("24-bit")));
        t.codec_id = "V_MPEG4/ISO/AVC".into();
        assert!(matches!(t.codec(), Err(FixError::UnsupportedCodec(s)) if s == "V_MPEG4/ISO/AVC"));
        let mut v = opus();
        v.codec_id = "V_VP8".into();
        v.track_type = 1;
        assert!(matches!(v.codec_config(), Err(FixError::InvalidTrack { .. })));
        v.width = 320;
        v.height = 240;
        assert_eq!(v.codec_config().unwrap().width, 320);
        v.content_encoded = true;
        assert!(matches!(v.codec(), Err(FixError::UnsupportedCodec(_))));
    }
}
