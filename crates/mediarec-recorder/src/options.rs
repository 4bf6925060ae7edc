//! `MediaRecorderOptions` and the bitrate distribution rules (spec A.17).

use mediarec_core::BitrateMode;

/// `MediaRecorderOptions`, plus what a native driver must say about its output.
///
/// ```
/// use mediarec_recorder::RecorderOptions;
/// let o = RecorderOptions { mime_type: "audio/webm;codecs=opus", ..RecorderOptions::default() };
/// assert_eq!(o.audio_bits_per_second, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RecorderOptions<'a> {
    /// `mimeType` (`""`: the recorder chooses).
    pub mime_type: &'a str,
    /// `audioBitsPerSecond`.
    pub audio_bits_per_second: Option<u32>,
    /// `videoBitsPerSecond`.
    pub video_bits_per_second: Option<u32>,
    /// `bitsPerSecond`: overrides both of the above with a split of this total.
    pub bits_per_second: Option<u32>,
    /// `audioBitrateMode`.
    pub audio_bitrate_mode: BitrateMode,
    /// `videoKeyFrameIntervalDuration`, in milliseconds.
    pub video_key_frame_interval_duration: Option<f64>,
    /// `videoKeyFrameIntervalCount`.
    pub video_key_frame_interval_count: Option<u32>,
    /// Not in the web API: the driver can write [`Output::Patch`](crate::Output::Patch)es
    /// (a file), so the result is made seekable (sizes, duration, index).
    pub seekable: bool,
    /// Not in the web API: every blob is a complete file that plays on its own (each
    /// begins with the container header and, with video, a key frame). The repeated headers
    /// come out as [`Output::BlobOnly`](crate::Output::BlobOnly), so the file stays one
    /// stream. `start()` throws `NotSupportedError` for containers that cannot.
    pub self_contained_blobs: bool,
}

/// Default audio target when none is given (a common browser choice).
pub const DEFAULT_AUDIO_BPS: u32 = 128_000;
/// Default video target when none is given.
pub const DEFAULT_VIDEO_BPS: u32 = 2_500_000;
const MIN_AUDIO_BPS: u32 = 5_000;
const MAX_AUDIO_BPS: u32 = 510_000;
const MIN_VIDEO_BPS: u32 = 75_000;

/// The two bitrate attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bitrates {
    pub(crate) audio: u32,
    pub(crate) video: u32,
}

/// Splits a total between audio and video, both non-zero, summing close to `total`.
fn split(total: u32) -> Bitrates {
    let audio = (total / 10).clamp(MIN_AUDIO_BPS, MAX_AUDIO_BPS);
    Bitrates { audio, video: total.saturating_sub(audio).max(MIN_VIDEO_BPS) }
}

/// Constructor steps 12–14, and the recomputation on inactivation.
pub(crate) fn initial_bitrates(o: &RecorderOptions<'_>) -> Bitrates {
    match o.bits_per_second {
        Some(total) => split(total),
        None => Bitrates {
            audio: o.audio_bits_per_second.unwrap_or(DEFAULT_AUDIO_BPS),
            video: o.video_bits_per_second.unwrap_or(DEFAULT_VIDEO_BPS),
        },
    }
}

/// `start()` step 9: with a total set, split it over the kinds really recorded.
pub(crate) fn start_bitrates(
    o: &RecorderOptions<'_>,
    current: Bitrates,
    has_audio: bool,
    has_video: bool,
) -> Bitrates {
    let Some(total) = o.bits_per_second else { return current };
    match (has_audio, has_video) {
        (true, false) => Bitrates { audio: total.clamp(MIN_AUDIO_BPS, MAX_AUDIO_BPS), video: 0 },
        (false, true) => Bitrates { audio: 0, video: total.max(MIN_VIDEO_BPS) },
        _ => split(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(a: Option<u32>, v: Option<u32>, t: Option<u32>) -> RecorderOptions<'static> {
        RecorderOptions {
            audio_bits_per_second: a,
            video_bits_per_second: v,
            bits_per_second: t,
            ..RecorderOptions::default()
        }
    }

    const EPSILON: u32 = 100_000;

    #[test]
    fn defaults_are_non_zero() {
        let b = initial_bitrates(&opts(None, None, None));
        assert!(b.audio > 0 && b.video > 0);
    }

    #[test]
    fn explicit_values_are_reflected_even_zero() {
        assert_eq!(initial_bitrates(&opts(Some(0), None, None)).audio, 0);
        assert_eq!(initial_bitrates(&opts(None, Some(0), None)).video, 0);
        assert_eq!(initial_bitrates(&opts(None, Some(1_000_000), None)).video, 1_000_000);
    }

    #[test]
    fn a_total_overrides_explicit_values_and_sums_close_to_it() {
        for total in [0u32, 2_000_000, 500_000, u32::MAX] {
            let b = initial_bitrates(&opts(Some(1), Some(1), Some(total)));
            assert!(b.audio > 0 && b.video > 0);
            let sum = b.audio as u64 + b.video as u64;
            assert!(sum.abs_diff(total as u64) <= EPSILON as u64, "{total}: {b:?}");
        }
    }

    #[test]
    fn start_gives_everything_to_the_only_kind() {
        let o = opts(None, None, Some(500_000));
        let b = start_bitrates(&o, initial_bitrates(&o), true, false);
        assert_eq!(b.video, 0);
        assert!(b.audio.abs_diff(500_000) <= EPSILON);
        assert_ne!(b, initial_bitrates(&o));
        let o = opts(None, None, Some(2_000_000));
        let b = start_bitrates(&o, initial_bitrates(&o), false, true);
        assert_eq!((b.audio, b.video), (0, 2_000_000));
    }

    #[test]
    fn start_without_a_total_changes_nothing() {
        let o = opts(Some(64_000), None, None);
        let b = initial_bitrates(&o);
        assert_eq!(start_bitrates(&o, b, true, false), b);
    }
}
