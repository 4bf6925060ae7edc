//! SelectSettings for a capture device: pick the stream configuration whose fitness
//! distance to the caller's ideal values is smallest (Media Capture and Streams §
//! "SelectSettings", with every constraint treated as `ideal`).

use cpal::SampleFormat;
use mediarec_core::Duration;

/// What the caller would like, as the `ideal` values of `MediaTrackConstraints`. Absent
/// values leave the choice to the device (its default configuration where it has one).
///
/// ```
/// use mediarec_capture_cpal::Constraints;
/// let c = Constraints { sample_rate: Some(48_000), channel_count: Some(1), ..Default::default() };
/// assert_eq!(c.sample_size, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Constraints {
    /// `sampleRate`, in Hz.
    pub sample_rate: Option<u32>,
    /// `channelCount`.
    pub channel_count: Option<u16>,
    /// `sampleSize`, in bits (16 for `i16`, 32 for `f32`, …).
    pub sample_size: Option<u16>,
    /// `latency`: the device buffer the callback gets, where the backend lets us choose.
    pub latency: Option<Duration>,
}

/// One family of configurations a device supports: a channel count and sample format over
/// a range of rates (cpal's `SupportedStreamConfigRange`, without cpal types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigRange {
    /// Channels.
    pub channels: u16,
    /// Lowest sample rate, Hz.
    pub min_rate: u32,
    /// Highest sample rate, Hz.
    pub max_rate: u32,
    /// Sample format delivered to the callback.
    pub format: SampleFormat,
    /// Callback buffer sizes in frames, when the backend knows them.
    pub buffer_frames: Option<(u32, u32)>,
}

impl ConfigRange {
    pub(crate) fn from_cpal(r: &cpal::SupportedStreamConfigRange) -> Self {
        let buffer_frames = match *r.buffer_size() {
            cpal::SupportedBufferSize::Range { min, max } => Some((min, max)),
            cpal::SupportedBufferSize::Unknown => None,
        };
        ConfigRange {
            channels: r.channels(),
            min_rate: r.min_sample_rate(),
            max_rate: r.max_sample_rate(),
            format: r.sample_format(),
            buffer_frames,
        }
    }
}

/// The configuration chosen for a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selected {
    /// Sample rate, Hz.
    pub sample_rate: u32,
    /// Channels.
    pub channels: u16,
    /// Sample format of the device callback (converted to `f32` on the way into the ring).
    pub format: SampleFormat,
    /// A fixed callback buffer, when a latency was asked for and the backend allows it.
    pub buffer_frames: Option<u32>,
}

/// Sample rate used when neither the caller nor the device has a preference.
pub const FALLBACK_RATE: u32 = 48_000;

/// True for the formats this crate converts to `f32` (all linear PCM; not DSD).
pub(crate) fn is_pcm(format: SampleFormat) -> bool {
    format.is_float() || format.is_int() || format.is_uint()
}

/// How much a format is worth when the caller did not ask for a size: lossless float first,
/// then deeper integers. Smaller is better; the values only break ties.
fn format_rank(format: SampleFormat) -> f64 {
    let rank = match format {
        SampleFormat::F32 => 0,
        SampleFormat::I32 => 1,
        SampleFormat::I24 => 2,
        SampleFormat::I16 => 3,
        SampleFormat::F64 => 4,
        SampleFormat::U32 | SampleFormat::U24 | SampleFormat::U16 => 5,
        SampleFormat::I64 | SampleFormat::U64 => 6,
        _ => 7,
    };
    f64::from(rank) * 1e-3
}

/// The spec's fitness distance for a numeric `ideal`: `|actual − ideal| / max(|actual|, |ideal|)`.
fn distance(actual: f64, ideal: f64) -> f64 {
    let scale = actual.abs().max(ideal.abs());
    if scale == 0.0 { 0.0 } else { (actual - ideal).abs() / scale }
}

/// Picks the configuration nearest to `wanted`. `device_default` (rate, channels) stands in
/// for absent values, so an unconstrained open gets what the device prefers; without it the
/// rate defaults to [`FALLBACK_RATE`] and the channel count to 1.
///
/// ```
/// use cpal::SampleFormat;
/// use mediarec_capture_cpal::{ConfigRange, Constraints, select};
/// let ranges = [
///     ConfigRange { channels: 2, min_rate: 8_000, max_rate: 96_000, format: SampleFormat::I16, buffer_frames: None },
///     ConfigRange { channels: 1, min_rate: 44_100, max_rate: 44_100, format: SampleFormat::F32, buffer_frames: None },
/// ];
/// let want = Constraints { sample_rate: Some(48_000), channel_count: Some(2), ..Default::default() };
/// let s = select(&ranges, &want, None).unwrap();
/// assert_eq!((s.sample_rate, s.channels, s.format), (48_000, 2, SampleFormat::I16));
/// ```
pub fn select(
    ranges: &[ConfigRange],
    wanted: &Constraints,
    device_default: Option<(u32, u16)>,
) -> Option<Selected> {
    let ideal_rate = wanted.sample_rate.or(device_default.map(|d| d.0)).unwrap_or(FALLBACK_RATE);
    let ideal_channels = wanted.channel_count.or(device_default.map(|d| d.1)).unwrap_or(1);
    let mut best: Option<(f64, Selected)> = None;
    for r in ranges.iter().filter(|r| is_pcm(r.format) && r.channels > 0) {
        let (lo, hi) = (r.min_rate.min(r.max_rate), r.min_rate.max(r.max_rate));
        if hi == 0 {
            continue;
        }
        let rate = ideal_rate.clamp(lo.max(1), hi);
        let mut score = distance(f64::from(rate), f64::from(ideal_rate))
            + distance(f64::from(r.channels), f64::from(ideal_channels));
        score += match wanted.sample_size {
            Some(bits) => distance(f64::from(r.format.bits_per_sample()), f64::from(bits)),
            None => format_rank(r.format),
        };
        let buffer_frames = match (wanted.latency, r.buffer_frames) {
            (Some(latency), Some((min, max))) if min <= max => {
                let frames = latency.as_samples(rate).clamp(u64::from(min), u64::from(max));
                u32::try_from(frames).ok()
            }
            _ => None,
        };
        let candidate =
            Selected { sample_rate: rate, channels: r.channels, format: r.format, buffer_frames };
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(channels: u16, min: u32, max: u32, format: SampleFormat) -> ConfigRange {
        ConfigRange {
            channels,
            min_rate: min,
            max_rate: max,
            format,
            buffer_frames: Some((64, 8192)),
        }
    }

    #[test]
    fn unconstrained_open_takes_the_device_default() {
        let ranges = [
            range(1, 8_000, 192_000, SampleFormat::I16),
            range(2, 8_000, 192_000, SampleFormat::I16),
            range(2, 8_000, 192_000, SampleFormat::F32),
        ];
        let s = select(&ranges, &Constraints::default(), Some((44_100, 2))).unwrap();
        assert_eq!((s.sample_rate, s.channels, s.format), (44_100, 2, SampleFormat::F32));
        let s = select(&ranges, &Constraints::default(), None).unwrap();
        assert_eq!((s.sample_rate, s.channels), (FALLBACK_RATE, 1));
        assert_eq!(s.buffer_frames, None);
    }

    #[test]
    fn rates_outside_a_range_clamp_to_its_nearest_end() {
        let ranges = [range(2, 44_100, 48_000, SampleFormat::I16)];
        let want =
            Constraints { sample_rate: Some(16_000), channel_count: Some(1), ..Default::default() };
        let s = select(&ranges, &want, None).unwrap();
        assert_eq!((s.sample_rate, s.channels), (44_100, 2));
    }

    #[test]
    fn sample_size_picks_the_format_with_that_many_bits() {
        let ranges = [
            range(2, 48_000, 48_000, SampleFormat::F32),
            range(2, 48_000, 48_000, SampleFormat::I16),
            range(2, 48_000, 48_000, SampleFormat::I24),
        ];
        for (bits, format) in
            [(16, SampleFormat::I16), (24, SampleFormat::I24), (32, SampleFormat::F32)]
        {
            let want = Constraints { sample_size: Some(bits), ..Default::default() };
            assert_eq!(select(&ranges, &want, None).unwrap().format, format, "{bits} bits");
        }
    }

    #[test]
    fn latency_becomes_a_buffer_within_the_supported_range() {
        let ranges = [range(1, 48_000, 48_000, SampleFormat::F32)];
        let want = Constraints { latency: Some(Duration::from_millis(10)), ..Default::default() };
        assert_eq!(select(&ranges, &want, None).unwrap().buffer_frames, Some(480));
        let want = Constraints { latency: Some(Duration::from_secs(10)), ..Default::default() };
        assert_eq!(select(&ranges, &want, None).unwrap().buffer_frames, Some(8192));
        let mut unknown = ranges;
        unknown[0].buffer_frames = None;
        assert_eq!(select(&unknown, &want, None).unwrap().buffer_frames, None);
    }

    #[test]
    fn dsd_empty_and_inverted_ranges_never_win() {
        let ranges = [
            range(2, 48_000, 48_000, SampleFormat::DsdU8),
            range(0, 48_000, 48_000, SampleFormat::F32),
            range(1, 0, 0, SampleFormat::F32),
        ];
        assert_eq!(select(&ranges, &Constraints::default(), None), None);
        let inverted = [range(1, 48_000, 8_000, SampleFormat::I16)];
        let s = select(
            &inverted,
            &Constraints { sample_rate: Some(96_000), ..Default::default() },
            None,
        );
        assert_eq!(s.unwrap().sample_rate, 48_000);
        assert_eq!(select(&[], &Constraints::default(), None), None);
    }

    #[test]
    fn distance_is_relative_and_symmetric() {
        assert_eq!(distance(0.0, 0.0), 0.0);
        assert!((distance(24_000.0, 48_000.0) - 0.5).abs() < 1e-12);
        assert_eq!(distance(1.0, 2.0), distance(2.0, 1.0));
    }
}
