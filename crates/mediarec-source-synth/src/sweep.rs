//! A repeating logarithmic sine sweep.

use mediarec_core::Duration;

use crate::{
    AudioSource, DEFAULT_AMPLITUDE, Timeline, advance_phase, fill_frames, phase_step,
    sanitize_amplitude, sanitize_hz, sine,
};

/// A sine whose frequency rises (or falls) exponentially from `start` to `end` Hz over
/// `period`, then starts again; the same value goes to every channel.
///
/// Logarithmic sweeps spend equal time per octave, which is how codecs and ears divide the
/// spectrum. The phase stays continuous, also where one period wraps into the next, so the
/// signal has no clicks. The position inside the period is an integer sample count, so the
/// period does not drift.
///
/// ```
/// use mediarec_core::Duration;
/// use mediarec_source_synth::{AudioSource, Sweep};
/// let mut sweep = Sweep::new(20.0, 20_000.0, Duration::from_secs(10), 48_000, 2);
/// let mut out = [0.0f32; 960];
/// assert_eq!(sweep.fill(&mut out), Duration::ZERO);
/// assert_eq!(sweep.fill(&mut out), Duration::from_millis(10));
/// ```
#[derive(Debug, Clone)]
pub struct Sweep {
    start_hz: f64,
    end_hz: f64,
    /// `ln(end / start)`, or 0 when the sweep cannot be logarithmic.
    log_ratio: f64,
    period_samples: u64,
    position: u64,
    phase: f64,
    amplitude: f32,
    channels: u16,
    timeline: Timeline,
}

impl Sweep {
    /// A sweep at amplitude [`DEFAULT_AMPLITUDE`].
    ///
    /// `period` is rounded down to whole samples (at least one). A start or end frequency
    /// that is not finite and positive makes the sweep stay at the start frequency (0 Hz,
    /// silence, when the start is the bad one).
    pub fn new(
        start_hz: f64,
        end_hz: f64,
        period: Duration,
        sample_rate: u32,
        channels: u16,
    ) -> Self {
        let (start_hz, end_hz) = (sanitize_hz(start_hz), sanitize_hz(end_hz));
        let log_ratio =
            if start_hz > 0.0 && end_hz > 0.0 { libm::log(end_hz / start_hz) } else { 0.0 };
        Sweep {
            start_hz,
            end_hz,
            log_ratio,
            period_samples: period.as_samples(sample_rate).max(1),
            position: 0,
            phase: 0.0,
            amplitude: DEFAULT_AMPLITUDE,
            channels,
            timeline: Timeline::new(sample_rate),
        }
    }

    /// Sets the peak amplitude, clamped to `[0, 1]`.
    #[must_use]
    pub fn with_amplitude(mut self, amplitude: f32) -> Self {
        self.amplitude = sanitize_amplitude(amplitude);
        self
    }

    /// The frequency at the start of each period, in Hz.
    pub fn start_frequency(&self) -> f64 {
        self.start_hz
    }

    /// The frequency the sweep approaches at the end of each period, in Hz.
    pub fn end_frequency(&self) -> f64 {
        self.end_hz
    }

    /// The period in sample frames.
    pub fn period_samples(&self) -> u64 {
        self.period_samples
    }
}

impl AudioSource for Sweep {
    fn sample_rate(&self) -> u32 {
        self.timeline.rate
    }

    fn channels(&self) -> u16 {
        self.channels
    }

    fn fill(&mut self, out: &mut [f32]) -> Duration {
        let rate = self.timeline.rate;
        let (start, log_ratio, period) = (self.start_hz, self.log_ratio, self.period_samples);
        let amplitude = self.amplitude;
        let (mut phase, mut position) = (self.phase, self.position);
        let frames = fill_frames(out, self.channels, |frame| {
            frame.fill(sine(phase, amplitude));
            let progress = position as f64 / period as f64;
            let hz = start * libm::exp(log_ratio * progress);
            phase = advance_phase(phase, phase_step(hz, rate));
            position += 1;
            if position >= period {
                position = 0;
            }
        });
        self.phase = phase;
        self.position = position;
        self.timeline.advance(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{frequency, rms, upward_crossings};
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    #[test]
    fn crossings_follow_the_log_law_and_repeat() {
        // 100 Hz → 1 kHz over 1 s: ∫f dt = (f1 − f0) / ln(f1/f0) ≈ 390.9 cycles per period.
        let mut sweep = Sweep::new(100.0, 1_000.0, Duration::from_secs(1), 48_000, 1);
        let mut period = vec![0.0f32; 48_000];
        for second in 0..3u64 {
            assert_eq!(sweep.fill(&mut period), Duration::from_secs(second));
            let (count, _, _) = upward_crossings(&period, 1);
            assert!((389..=392).contains(&count), "period {second}: {count} crossings");
            // First and last 100 ms: mean frequencies 112.4 Hz and 893.3 Hz.
            let head = frequency(&period[..4_800], 1, 48_000);
            let tail = frequency(&period[43_200..], 1, 48_000);
            assert!((head - 112.4).abs() < 3.0, "head {head}");
            assert!((tail - 893.3).abs() < 12.0, "tail {tail}");
        }
    }

    #[test]
    fn falling_sweep_and_amplitude() {
        let mut sweep =
            Sweep::new(2_000.0, 200.0, Duration::from_millis(500), 16_000, 2).with_amplitude(0.8);
        assert_eq!(sweep.period_samples(), 8_000);
        assert_eq!((sweep.start_frequency(), sweep.end_frequency()), (2_000.0, 200.0));
        let mut out = vec![0.0f32; 16_000];
        sweep.fill(&mut out);
        // First 50 ms (800 stereo frames): mean frequency 1786.6 Hz.
        let head = frequency(&out[..1_600], 2, 16_000);
        assert!((head - 1_786.6).abs() < 20.0, "head {head}");
        let peak = out.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak <= 0.8 && peak > 0.79);
        assert!((rms(&out) - 0.8 / core::f64::consts::SQRT_2).abs() < 0.01);
    }

    #[test]
    fn bad_end_frequency_holds_the_start() {
        let mut sweep = Sweep::new(500.0, f64::NAN, Duration::from_secs(1), 48_000, 1);
        let mut out = vec![0.0f32; 48_000];
        sweep.fill(&mut out);
        assert!((frequency(&out, 1, 48_000) - 500.0).abs() < 0.5);
    }

    proptest! {
        #[test]
        fn block_sizes_do_not_change_samples(
            sizes in proptest::collection::vec(0usize..700, 1..20),
            period_ms in 1u64..200,
            channels in 1u16..3,
        ) {
            let ch = usize::from(channels);
            let period = Duration::from_millis(period_ms);
            let total: usize = sizes.iter().sum();
            let mut whole = vec![0.0f32; total * ch];
            Sweep::new(50.0, 5_000.0, period, 24_000, channels).fill(&mut whole);

            let mut sweep = Sweep::new(50.0, 5_000.0, period, 24_000, channels);
            let mut pieces = Vec::new();
            let mut done = 0u64;
            for &n in &sizes {
                let mut block = vec![0.0f32; n * ch];
                prop_assert_eq!(sweep.fill(&mut block), Duration::from_samples(done, 24_000));
                done += n as u64;
                pieces.extend_from_slice(&block);
            }
            prop_assert_eq!(pieces, whole);
        }
    }
}
