//! Channel up-mixing and down-mixing to the one or two channels Opus family 0 carries.

use core::f32::consts::FRAC_1_SQRT_2;

use mediarec_core::Samples;

/// NaN becomes silence and infinities full scale, so garbage input cannot upset libopus's
/// analysis state.
pub(crate) fn finite(s: f32) -> f32 {
    if s.is_finite() {
        s
    } else if s.is_nan() {
        0.0
    } else {
        s.signum()
    }
}

/// One input sample frame, read straight from the caller's samples.
struct InFrame<'a, 'b> {
    samples: &'a Samples<'b>,
    base: usize,
}

impl InFrame<'_, '_> {
    fn get(&self, channel: usize) -> f32 {
        finite(self.samples.get_f32(self.base + channel))
    }
}

/// Stereo from more than two channels, in the WAVE/SMPTE channel order, with the Web Audio
/// down-mix gains where that spec defines them (quad, 5.1) and the same centre and surround
/// gain (1/√2) elsewhere; LFE is dropped. Unknown layouts keep their first two channels.
fn downmix_to_stereo(f: &InFrame<'_, '_>, channels: usize) -> (f32, f32) {
    let (l, r) = (f.get(0), f.get(1));
    let (l, r) = match channels {
        // L R C
        3 => (l + FRAC_1_SQRT_2 * f.get(2), r + FRAC_1_SQRT_2 * f.get(2)),
        // L R SL SR
        4 => (0.5 * (l + f.get(2)), 0.5 * (r + f.get(3))),
        // L R C SL SR
        5 => (l + FRAC_1_SQRT_2 * (f.get(2) + f.get(3)), r + FRAC_1_SQRT_2 * (f.get(2) + f.get(4))),
        // L R C LFE SL SR
        6 => (l + FRAC_1_SQRT_2 * (f.get(2) + f.get(4)), r + FRAC_1_SQRT_2 * (f.get(2) + f.get(5))),
        // L R C LFE BC SL SR
        7 => {
            let (c, bc) = (f.get(2), 0.5 * f.get(4));
            (l + FRAC_1_SQRT_2 * (c + f.get(5)) + bc, r + FRAC_1_SQRT_2 * (c + f.get(6)) + bc)
        }
        // L R C LFE BL BR SL SR
        8 => (
            l + FRAC_1_SQRT_2 * (f.get(2) + f.get(4) + f.get(6)),
            r + FRAC_1_SQRT_2 * (f.get(2) + f.get(5) + f.get(7)),
        ),
        _ => (l, r),
    };
    (l.clamp(-1.0, 1.0), r.clamp(-1.0, 1.0))
}

/// Writes `frames` sample frames of `samples`, starting at sample frame `from`, into `dst`
/// as `out_channels` (1 or 2) interleaved channels. `dst` must hold `frames × out_channels`
/// samples; extra samples in `dst` are left alone.
pub(crate) fn mix_into(
    samples: &Samples<'_>,
    in_channels: usize,
    from: usize,
    frames: usize,
    dst: &mut [f32],
    out_channels: usize,
) {
    if in_channels == out_channels {
        let start = from * in_channels;
        let dst = dst.iter_mut().take(frames * out_channels);
        match samples {
            Samples::F32(src) => {
                dst.zip(src.iter().skip(start)).for_each(|(d, &s)| *d = finite(s));
            }
            Samples::I16(src) => {
                dst.zip(src.iter().skip(start)).for_each(|(d, &s)| *d = f32::from(s) / 32_768.0);
            }
        }
        return;
    }
    for (i, out) in dst.chunks_exact_mut(out_channels.max(1)).take(frames).enumerate() {
        let f = InFrame { samples, base: (from + i) * in_channels };
        let (l, r) = match in_channels {
            1 => (f.get(0), f.get(0)),
            2 => (f.get(0), f.get(1)),
            n => downmix_to_stereo(&f, n),
        };
        match out {
            [mono] => *mono = 0.5 * (l + r),
            [left, right] => (*left, *right) = (l, r),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mix(src: &[f32], in_ch: usize, out_ch: usize) -> Vec<f32> {
        let frames = src.len() / in_ch;
        let mut out = vec![9.0; frames * out_ch];
        mix_into(&Samples::F32(src), in_ch, 0, frames, &mut out, out_ch);
        out
    }

    #[test]
    fn mono_and_stereo() {
        assert_eq!(mix(&[0.5, -0.25], 1, 2), [0.5, 0.5, -0.25, -0.25]);
        assert_eq!(mix(&[0.5, -0.25, 1.0, 0.0], 2, 1), [0.125, 0.5]);
        assert_eq!(mix(&[0.5, -0.25], 2, 2), [0.5, -0.25]);
        assert_eq!(mix(&[f32::NAN, f32::INFINITY], 1, 2), [0.0, 0.0, 1.0, 1.0]);
        let ints = [16_384i16, -32_768];
        let mut out = [0.0; 4];
        mix_into(&Samples::I16(&ints), 1, 0, 2, &mut out, 2);
        assert_eq!(out, [0.5, 0.5, -1.0, -1.0]);
        // `from` skips whole sample frames.
        let mut out = [0.0; 2];
        mix_into(&Samples::F32(&[0.1, 0.2, 0.3, 0.4]), 2, 1, 1, &mut out, 2);
        assert_eq!(out, [0.3, 0.4]);
    }

    #[test]
    fn surround_down_mixes() {
        let h = FRAC_1_SQRT_2;
        // 5.1 with only the centre: equal in both, at −3 dB.
        let out = mix(&[0.0, 0.0, 0.5, 1.0, 0.0, 0.0], 6, 2);
        assert!((out[0] - 0.5 * h).abs() < 1e-6 && out[0] == out[1]);
        // LFE alone is dropped.
        assert_eq!(mix(&[0.0, 0.0, 0.0, 1.0, 0.0, 0.0], 6, 2), [0.0, 0.0]);
        // Left surround goes left only.
        let out = mix(&[0.0, 0.0, 0.0, 0.0, 0.4, 0.0], 6, 2);
        assert!((out[0] - 0.4 * h).abs() < 1e-6 && out[1] == 0.0);
        // Quad halves.
        assert_eq!(mix(&[0.2, 0.4, 0.6, 0.8], 4, 2), [0.4, 0.6]);
        // Loud input is clamped, never beyond full scale.
        assert_eq!(mix(&[1.0; 8], 8, 2), [1.0, 1.0]);
        assert_eq!(mix(&[1.0; 8], 8, 1), [1.0]);
        for ch in [3, 5, 7] {
            let out = mix(&vec![0.1; ch], ch, 2);
            assert!(out[0] > 0.1 && out[0] == out[1], "{ch}: {out:?}");
        }
        // Unknown layouts keep the first two channels.
        let mut ten = vec![0.0; 10];
        ten[0] = 0.3;
        ten[1] = -0.3;
        ten[9] = 1.0;
        assert_eq!(mix(&ten, 10, 2), [0.3, -0.3]);
    }

    #[test]
    fn short_input_reads_as_silence() {
        let mut out = [5.0; 4];
        mix_into(&Samples::F32(&[0.5]), 3, 0, 2, &mut out, 2);
        assert!((out[0] - 0.5).abs() < 1e-6 && out[2] == 0.0);
    }
}
