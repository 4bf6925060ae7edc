//! Cross-check (a): packets from the pure-Rust encoder decoded by libopus, as browsers and
//! players would: exact length after trimming, the right tone at the right time, and a
//! pre-skip that matches the delay libopus actually sees.
#![allow(clippy::unwrap_used)]

mod common;

use common::{best_lag, decode_libopus, deep, encode, encoder, frequency, snr_db, sweep, tone};
use mediarec_codec_opus_pure::{FrameDuration, PureOpusApplication, PureOpusOptions};
use mediarec_core::BitrateMode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// One encoder setting to cross-check, with the least SNR (dB) its decoded tone must have
/// and how far (in 48 kHz samples) the tone may sit from the pre-skip alignment. CELT is
/// exact; SILK (speech and low bitrates) shifts a 440 Hz tone by a few samples, as it does
/// when libopus encodes it (-4 to -6 at 16–32 kb/s).
struct Case {
    rate: u32,
    channels: u16,
    bps: u32,
    mode: BitrateMode,
    frame: FrameDuration,
    application: PureOpusApplication,
    min_snr: f64,
    max_lag: i64,
}

const fn case(
    rate: u32,
    channels: u16,
    bps: u32,
    frame: FrameDuration,
    application: PureOpusApplication,
    (min_snr, max_lag): (f64, i64),
) -> Case {
    Case { rate, channels, bps, mode: BitrateMode::Variable, frame, application, min_snr, max_lag }
}

/// CELT: the tone is where the pre-skip says, at high SNR.
const CELT: (f64, i64) = (25.0, 0);
/// SILK or hybrid: a small phase shift, lower SNR.
const SILK: (f64, i64) = (15.0, 8);

const CASES: [Case; 8] = [
    case(48_000, 2, 64_000, FrameDuration::Ms20, PureOpusApplication::Audio, CELT),
    case(48_000, 1, 32_000, FrameDuration::Ms10, PureOpusApplication::Voip, SILK),
    case(48_000, 2, 96_000, FrameDuration::Ms20, PureOpusApplication::LowDelay, CELT),
    case(24_000, 2, 48_000, FrameDuration::Ms40, PureOpusApplication::Audio, CELT),
    case(16_000, 1, 24_000, FrameDuration::Ms20, PureOpusApplication::Voip, SILK),
    case(12_000, 1, 20_000, FrameDuration::Ms60, PureOpusApplication::Audio, SILK),
    case(8_000, 1, 12_000, FrameDuration::Ms60, PureOpusApplication::Voip, SILK),
    Case {
        mode: BitrateMode::Constant,
        ..case(48_000, 2, 48_000, FrameDuration::Ms20, PureOpusApplication::Audio, CELT)
    },
];

#[test]
fn libopus_decodes_the_tone_with_exact_length_in_every_mode() {
    deep(|| {
        for c in &CASES {
            let options = PureOpusOptions {
                frame_duration: c.frame,
                application: c.application,
                ..PureOpusOptions::default()
            };
            let mut enc = encoder(c.rate, c.channels, c.bps, c.mode, options);
            // 2 s minus a bit, so that the end needs trimming; odd blocks like a sound card's.
            let frames = 2 * c.rate as usize - 37;
            let pcm = tone(440.0, c.rate, c.channels, frames);
            let packets = encode(&mut enc, &pcm, &[441, 7, 1_000]);
            let label = format!(
                "{} Hz {} ch {} b/s {:?} {:?} {:?}",
                c.rate, c.channels, c.bps, c.mode, c.frame, c.application
            );

            let ch = usize::from(c.channels);
            let decoded = decode_libopus(&packets, c.channels, enc.pre_skip());
            let factor = (48_000 / c.rate) as usize;
            assert_eq!(decoded.len(), frames * factor * ch, "{label}: decoded length");

            let hz = frequency(&decoded[4_800 * ch..], ch, 48_000);
            assert!((hz - 440.0).abs() < 1.0, "{label}: decoded tone at {hz} Hz");
            let snr = snr_db(&decoded, ch, 440.0, 0);
            let (lag, corr) = best_lag(&pcm, c.rate, &decoded, ch, 24);
            let snr_at_lag = snr_db(&decoded, ch, 440.0, lag);
            let bytes: usize = packets.iter().map(|p| p.0.len()).sum();
            let kbps = bytes as f64 * 8.0 / (frames as f64 / f64::from(c.rate)) / 1_000.0;
            println!(
                "{label}: {} packets, {kbps:.1} kb/s, {hz:.3} Hz, SNR {snr:.1} dB at the \
                 pre-skip, {snr_at_lag:.1} dB at lag {lag} (corr {corr:.4})",
                packets.len()
            );
            assert!(lag.abs() <= c.max_lag, "{label}: tone off by {lag} samples");
            assert!(snr_at_lag >= c.min_snr, "{label}: SNR {snr_at_lag:.1} dB < {}", c.min_snr);
            if c.mode == BitrateMode::Constant {
                let first = packets[0].0.len();
                assert!(packets.iter().all(|p| p.0.len() == first), "{label}: CBR sizes vary");
            }
        }
    });
}

/// The pre-skip is derived, not read from opus-rs (which does not expose it): measure the
/// delay libopus's decoder sees by cross-correlating a sweep with its decoded output.
#[test]
fn pre_skip_matches_the_delay_libopus_measures() {
    deep(|| {
        for (rate, channels, application, bps, tolerance) in [
            // CELT: exactly the look-ahead.
            (48_000, 2, PureOpusApplication::Audio, 64_000, 0),
            (24_000, 1, PureOpusApplication::Audio, 64_000, 0),
            (48_000, 1, PureOpusApplication::LowDelay, 64_000, 0),
            (16_000, 2, PureOpusApplication::LowDelay, 64_000, 0),
            // SILK and hybrid: within a few 48 kHz samples, as with libopus's own encoder
            // (its SILK resampler rounds the delay).
            (16_000, 1, PureOpusApplication::Voip, 32_000, 4),
            (8_000, 1, PureOpusApplication::Audio, 24_000, 4),
            (48_000, 1, PureOpusApplication::Voip, 16_000, 4),
        ] {
            let mut enc = encoder(
                rate,
                channels,
                bps,
                BitrateMode::Variable,
                PureOpusOptions { application, ..PureOpusOptions::default() },
            );
            let frames = rate as usize;
            let pcm = sweep(rate, channels, frames);
            let packets = encode(&mut enc, &pcm, &[960]);
            let ch = usize::from(channels);
            let decoded = decode_libopus(&packets, channels, enc.pre_skip());
            let (lag, corr) = best_lag(&pcm, rate, &decoded, ch, 400);
            println!(
                "{rate} Hz {channels} ch {application:?}: pre-skip {}, residual delay {lag} \
                 (corr {corr:.4})",
                enc.pre_skip()
            );
            assert!(corr > 0.9, "{rate} Hz {application:?}: correlation {corr}");
            assert!(lag.abs() <= tolerance, "{rate} Hz {application:?}: off by {lag} samples");
        }
    });
}

/// Any input length, block pattern, rate and packet duration decodes to exactly the
/// pushed length.
#[test]
fn every_length_decodes_exactly() {
    deep(|| {
        let strategy = (
            prop::sample::select(vec![8_000u32, 12_000, 16_000, 24_000, 48_000]),
            1u16..=2,
            prop::sample::select(vec![
                FrameDuration::Ms10,
                FrameDuration::Ms20,
                FrameDuration::Ms40,
                FrameDuration::Ms60,
            ]),
            1usize..=12_000,
            prop::collection::vec(1usize..=2_000, 1..4),
        );
        let mut runner = TestRunner::new(Config { cases: 24, ..Config::default() });
        runner
            .run(&strategy, |(rate, channels, frame, frames, blocks)| {
                let frames = frames * rate as usize / 48_000 + 1;
                let options = PureOpusOptions { frame_duration: frame, ..Default::default() };
                let mut enc = encoder(rate, channels, 48_000, BitrateMode::Variable, options);
                let pcm = tone(440.0, rate, channels, frames);
                let packets = encode(&mut enc, &pcm, &blocks);
                let frame_len = frame.duration().as_samples(rate) as usize;
                let pre_skip = usize::from(enc.pre_skip()) * rate as usize / 48_000;
                prop_assert_eq!(packets.len(), (frames + pre_skip).div_ceil(frame_len));
                let decoded = decode_libopus(&packets, channels, enc.pre_skip());
                let want = frames * (48_000 / rate) as usize * usize::from(channels);
                prop_assert_eq!(decoded.len(), want);
                Ok(())
            })
            .unwrap();
    });
}
