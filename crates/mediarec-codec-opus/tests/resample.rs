//! Rates libopus cannot take are resampled to 48 kHz, and channels are mixed to what Opus
//! carries. Decode with libopus and check what a player would hear: exactly
//! round(N × 48000 / rate) samples after trimming, the tone's pitch, no time shift, gapless
//! packet times, and the right signal in each output channel.
#![allow(clippy::unwrap_used)]

mod common;

use common::{decode_trimmed, encode, frequency, pre_skip, tone};
use mediarec_codec_opus::{OpusEncoder, OpusOptions};
use mediarec_core::{AudioEncoder, AudioParams, BitrateMode, Duration, EncoderSettings};
use proptest::prelude::*;

fn encoder(rate: u32, channels: u16, bps: u32, out: Option<u16>, complexity: u8) -> OpusEncoder {
    OpusEncoder::new(
        AudioParams { sample_rate: rate, channels },
        EncoderSettings { bits_per_second: bps, bitrate_mode: BitrateMode::Variable },
        OpusOptions { channels: out, complexity, ..OpusOptions::default() },
    )
    .unwrap()
}

/// round(frames × 48000 / rate).
fn at_48k(frames: usize, rate: u32) -> usize {
    (frames * 48_000 + rate as usize / 2) / rate as usize
}

fn rms(pcm: &[f32], channels: usize, channel: usize) -> f64 {
    let (sum, n) = pcm
        .chunks_exact(channels)
        .fold((0.0, 0usize), |(s, n), f| (s + f64::from(f[channel]).powi(2), n + 1));
    (sum / n as f64).sqrt()
}

#[test]
fn resampled_rates_decode_to_the_exact_length_and_pitch() {
    for (i, rate) in [44_100u32, 22_050, 96_000, 11_025, 32_000, 88_200].into_iter().enumerate() {
        for channels in [1u16, 2] {
            let frames = rate as usize / 3 + 37 * i;
            let mut enc = encoder(rate, channels, 96_000, None, 5);
            assert!(enc.resamples());
            let pcm = tone(440.0, rate, channels, frames);
            let packets = encode(&mut enc, &pcm, &[441, 1_000], Duration::ZERO);
            let decoded = decode_trimmed(&packets, channels, pre_skip(&enc));
            let ch = usize::from(channels);
            assert_eq!(
                decoded.len(),
                at_48k(frames, rate) * ch,
                "{rate} Hz, {channels} ch, {frames} frames"
            );
            let hz = frequency(&decoded, ch, 48_000);
            assert!((hz - 440.0).abs() < 1.0, "{rate} Hz: decoded tone at {hz} Hz");
        }
    }
}

#[test]
fn five_seconds_at_44_1_khz() {
    let mut enc = encoder(44_100, 2, 128_000, None, 10);
    let pcm = tone(440.0, 44_100, 2, 5 * 44_100);
    let packets = encode(&mut enc, &pcm, &[441], Duration::ZERO);
    // 240 000 samples at 48 kHz + 312 pre-skip: 251 packets of 960.
    assert_eq!(packets.len(), 251);
    assert_eq!(packets.last().unwrap().1.discard_samples, 251 * 960 - 240_000 - 312);
    let decoded = decode_trimmed(&packets, 2, pre_skip(&enc));
    assert_eq!(decoded.len(), 240_000 * 2);
    let hz = frequency(&decoded, 2, 48_000);
    assert!((hz - 440.0).abs() < 0.5, "decoded tone at {hz} Hz");
    let level = rms(&decoded[4_800..], 2, 0);
    assert!((level - 0.5 / 2f64.sqrt()).abs() < 0.02, "level {level}");
}

#[test]
fn resampled_output_lines_up_with_the_input() {
    // If the resampler's delay were not removed, the decoded signal would lag the ideal
    // 48 kHz rendering of the same tones by hundreds of samples.
    for rate in [44_100u32, 22_050, 96_000] {
        let frames = rate as usize;
        let mix = |r: u32, n: usize| -> Vec<f32> {
            tone(440.0, r, 1, n)
                .iter()
                .zip(tone(1_330.0, r, 1, n))
                .map(|(a, b)| 0.5 * (a + b))
                .collect()
        };
        let mut enc = encoder(rate, 1, 128_000, None, 10);
        let packets = encode(&mut enc, &mix(rate, frames), &[480], Duration::ZERO);
        let decoded = decode_trimmed(&packets, 1, pre_skip(&enc));
        let ideal = mix(48_000, 48_000);
        assert_eq!(decoded.len(), ideal.len());
        let error = |lag: isize| -> f64 {
            (2_000..46_000)
                .map(|i| {
                    let d = f64::from(decoded[(i as isize + lag) as usize]) - f64::from(ideal[i]);
                    d * d
                })
                .sum()
        };
        let signal: f64 = ideal[2_000..46_000].iter().map(|&s| f64::from(s).powi(2)).sum();
        let snr_db = 10.0 * (signal / error(0)).log10();
        assert!(snr_db > 25.0, "{rate} Hz: SNR at lag 0 is {snr_db:.1} dB");
        for lag in (-8..=8).filter(|&l| l != 0) {
            assert!(error(lag) > error(0), "{rate} Hz: lag {lag} fits better than lag 0");
        }
    }
}

#[test]
fn resampled_pts_are_contiguous_from_the_first_timestamp() {
    let anchor = Duration::from_millis(2_500);
    let mut enc = encoder(44_100, 1, 32_000, None, 5);
    let packets = encode(&mut enc, &tone(440.0, 44_100, 1, 44_100), &[512, 3], anchor);
    for (k, (_, info)) in packets.iter().enumerate() {
        assert_eq!(info.pts, anchor + Duration::from_millis(20 * k as u64));
        assert_eq!(info.duration, Duration::from_millis(20));
    }
    assert_eq!(packets.len(), (48_000 + 312usize).div_ceil(960));
}

#[test]
fn stereo_down_mixes_to_mono_and_mono_up_mixes_to_stereo() {
    // Stereo with the tone on the left only, forced to mono: half the amplitude.
    let left_only: Vec<f32> =
        tone(440.0, 44_100, 1, 44_100).iter().flat_map(|&s| [s, 0.0]).collect();
    let mut enc = encoder(44_100, 2, 96_000, Some(1), 10);
    assert_eq!(enc.config().channels, 1);
    assert_eq!(enc.config().private.as_bytes()[9], 1); // OpusHead channel count
    let packets = encode(&mut enc, &left_only, &[441], Duration::ZERO);
    let mono = decode_trimmed(&packets, 1, pre_skip(&enc));
    assert_eq!(mono.len(), 48_000);
    let level = rms(&mono[4_800..], 1, 0);
    assert!((level - 0.25 / 2f64.sqrt()).abs() < 0.02, "mono level {level}");

    // Mono forced to stereo at a native rate: the same signal on both sides.
    let mut enc = encoder(16_000, 1, 64_000, Some(2), 10);
    assert_eq!(enc.config().channels, 2);
    let packets = encode(&mut enc, &tone(440.0, 16_000, 1, 16_000), &[160], Duration::ZERO);
    let stereo = decode_trimmed(&packets, 2, pre_skip(&enc));
    assert_eq!(stereo.len(), 48_000 * 2);
    let (l, r) = (rms(&stereo[9_600..], 2, 0), rms(&stereo[9_600..], 2, 1));
    assert!((l - r).abs() < 0.01 && l > 0.3, "left {l}, right {r}");
}

#[test]
fn surround_down_mixes_to_stereo() {
    // 5.1 (L R C LFE SL SR): a tone on the left, a louder one on the LFE channel only.
    let rate = 48_000;
    let left = tone(440.0, rate, 1, rate as usize);
    let lfe = tone(60.0, rate, 1, rate as usize);
    let pcm: Vec<f32> =
        left.iter().zip(&lfe).flat_map(|(&l, &e)| [l, 0.0, 0.0, 2.0 * e, 0.0, 0.0]).collect();
    let mut enc = encoder(rate, 6, 128_000, None, 10);
    assert_eq!(enc.config().channels, 2);
    let packets = encode(&mut enc, &pcm, &[480], Duration::ZERO);
    let stereo = decode_trimmed(&packets, 2, pre_skip(&enc));
    assert_eq!(stereo.len(), rate as usize * 2);
    let (l, r) = (rms(&stereo[4_800..], 2, 0), rms(&stereo[4_800..], 2, 1));
    assert!((l - 0.5 / 2f64.sqrt()).abs() < 0.03, "left {l}");
    assert!(r < 0.01, "right {r}: LFE must be dropped, left must stay left");
    let hz = frequency(&stereo, 2, 48_000);
    assert!((hz - 440.0).abs() < 1.0, "left tone at {hz} Hz");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn any_blocks_any_length_any_layout_decode_exactly(
        blocks in proptest::collection::vec(1usize..3_000, 1..5),
        frames in 1usize..20_000,
        in_channels in 1u16..7,
        out in prop::sample::select(vec![None, Some(1u16), Some(2)]),
        rate in prop::sample::select(vec![44_100u32, 22_050, 96_000, 32_000]),
    ) {
        let pcm = tone(440.0, rate, in_channels, frames);
        let mut enc = encoder(rate, in_channels, 48_000, out, 3);
        let packets = encode(&mut enc, &pcm, &blocks, Duration::ZERO);
        let mut reference = encoder(rate, in_channels, 48_000, out, 3);
        prop_assert_eq!(&encode(&mut reference, &pcm, &[usize::MAX], Duration::ZERO), &packets);
        let out_channels = enc.config().channels;
        let decoded = decode_trimmed(&packets, out_channels, pre_skip(&enc));
        prop_assert_eq!(decoded.len(), at_48k(frames, rate) * usize::from(out_channels));
    }
}
