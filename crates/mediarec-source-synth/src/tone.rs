//! A sine tone.

use mediarec_core::Duration;

use crate::{
    AudioSource, DEFAULT_AMPLITUDE, Timeline, advance_phase, fill_frames, phase_step,
    sanitize_amplitude, sanitize_hz, sine,
};

/// A sine tone with the same value in every channel, starting at phase 0.
///
/// The phase is an `f64` accumulator kept in `[0, 1)`, so an hour-long recording still has
/// the exact frequency and is continuous across [`AudioSource::fill`] calls.
///
/// ```
/// use mediarec_source_synth::{AudioSource, Tone};
/// let mut tone = Tone::new(1_000.0, 8_000, 1).with_amplitude(0.25);
/// let mut out = [0.0f32; 8];
/// tone.fill(&mut out);
/// assert_eq!(out[0], 0.0);
/// assert!((out[2] - 0.25).abs() < 1e-6); // a quarter period in: the peak
/// ```
#[derive(Debug, Clone)]
pub struct Tone {
    frequency: f64,
    amplitude: f32,
    step: f64,
    phase: f64,
    channels: u16,
    timeline: Timeline,
}

impl Tone {
    /// A tone of `frequency` Hz at amplitude [`DEFAULT_AMPLITUDE`].
    ///
    /// A frequency that is not finite and positive gives silence (0 Hz); frequencies above
    /// half the sample rate alias, as they would from any real converter.
    pub fn new(frequency: f64, sample_rate: u32, channels: u16) -> Self {
        let frequency = sanitize_hz(frequency);
        Tone {
            frequency,
            amplitude: DEFAULT_AMPLITUDE,
            step: phase_step(frequency, sample_rate),
            phase: 0.0,
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

    /// The frequency in Hz.
    pub fn frequency(&self) -> f64 {
        self.frequency
    }

    /// The peak amplitude.
    pub fn amplitude(&self) -> f32 {
        self.amplitude
    }
}

impl AudioSource for Tone {
    fn sample_rate(&self) -> u32 {
        self.timeline.rate
    }

    fn channels(&self) -> u16 {
        self.channels
    }

    fn fill(&mut self, out: &mut [f32]) -> Duration {
        let (amplitude, step) = (self.amplitude, self.step);
        let mut phase = self.phase;
        let frames = fill_frames(out, self.channels, |frame| {
            frame.fill(sine(phase, amplitude));
            phase = advance_phase(phase, step);
        });
        self.phase = phase;
        self.timeline.advance(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{frequency, rms};
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    #[test]
    fn frequency_over_one_second_is_exact() {
        for (hz, rate) in [(440.0, 48_000), (1_000.0, 44_100), (97.5, 16_000), (3_000.0, 8_000)] {
            let mut tone = Tone::new(hz, rate, 2);
            let mut out = vec![0.0f32; rate as usize * 2];
            tone.fill(&mut out);
            let measured = frequency(&out, 2, rate);
            assert!((measured - hz).abs() < 0.5, "{hz} Hz at {rate}: measured {measured}");
        }
    }

    #[test]
    fn frequency_holds_after_twenty_minutes() {
        // Skip twenty minutes of 48 kHz in big blocks, then measure: the phase accumulator must
        // not have drifted into a different frequency or lost continuity.
        let mut tone = Tone::new(440.0, 48_000, 1);
        let mut block = vec![0.0f32; 48_000];
        for _ in 0..1200 {
            tone.fill(&mut block);
        }
        assert_eq!(tone.fill(&mut block), Duration::from_secs(1200));
        let measured = frequency(&block, 1, 48_000);
        assert!((measured - 440.0).abs() < 0.01, "measured {measured}");
    }

    #[test]
    fn timestamps_count_generated_frames() {
        let mut tone = Tone::new(440.0, 44_100, 2);
        let mut block = [0.0f32; 441 * 2];
        for i in 0..100u64 {
            assert_eq!(tone.fill(&mut block), Duration::from_millis(10 * i));
        }
        // An odd block size: timestamps are rounded down to the microsecond, never drift.
        let mut tone = Tone::new(440.0, 48_000, 1);
        let mut block = [0.0f32; 7];
        for i in 0..1000u64 {
            assert_eq!(tone.fill(&mut block), Duration::from_samples(7 * i, 48_000));
        }
    }

    #[test]
    fn amplitude_and_rms() {
        let mut out = vec![0.0f32; 48_000];
        for amplitude in [0.5, 0.1, 1.0] {
            let mut tone = Tone::new(1_000.0, 48_000, 1).with_amplitude(amplitude);
            tone.fill(&mut out);
            let peak = out.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            assert!(peak <= amplitude && peak > amplitude * 0.999, "peak {peak}");
            let expected = f64::from(amplitude) / core::f64::consts::SQRT_2;
            assert!((rms(&out) - expected).abs() < 1e-4, "rms {}", rms(&out));
        }
        assert_eq!(Tone::new(440.0, 48_000, 1).amplitude(), DEFAULT_AMPLITUDE);
    }

    #[test]
    fn same_value_in_every_channel_and_continuous_phase() {
        let mut tone = Tone::new(440.0, 48_000, 3);
        let mut a = [0.0f32; 30];
        let mut b = [0.0f32; 30];
        tone.fill(&mut a);
        tone.fill(&mut b);
        for f in a.chunks_exact(3).chain(b.chunks_exact(3)) {
            assert!(f[0] == f[1] && f[1] == f[2]);
        }
        // Two blocks continue each other exactly like one block of twice the length.
        let mut whole = [0.0f32; 60];
        Tone::new(440.0, 48_000, 3).fill(&mut whole);
        assert_eq!(whole[..30], a);
        assert_eq!(whole[30..], b);
    }

    #[test]
    fn bad_frequency_is_silence() {
        let mut tone = Tone::new(f64::NAN, 48_000, 1);
        let mut out = [1.0f32; 16];
        tone.fill(&mut out);
        assert!(out.iter().all(|&s| s == 0.0));
        assert_eq!(tone.frequency(), 0.0);
    }

    proptest! {
        #[test]
        fn block_sizes_do_not_change_samples(
            sizes in proptest::collection::vec(0usize..700, 1..20),
            hz in 1.0f64..20_000.0,
            channels in 1u16..4,
        ) {
            let ch = usize::from(channels);
            let total: usize = sizes.iter().sum();
            let mut whole = vec![0.0f32; total * ch];
            Tone::new(hz, 48_000, channels).fill(&mut whole);

            let mut tone = Tone::new(hz, 48_000, channels);
            let mut pieces = Vec::new();
            let mut done = 0u64;
            for &n in &sizes {
                let mut block = vec![0.0f32; n * ch];
                prop_assert_eq!(tone.fill(&mut block), Duration::from_samples(done, 48_000));
                done += n as u64;
                pieces.extend_from_slice(&block);
            }
            prop_assert_eq!(pieces, whole);
        }
    }
}
