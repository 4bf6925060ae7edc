//! Encode with `OpusEncoder`, decode with libopus, and check what a player would hear:
//! exact length after trimming, the right tone, contiguous timing, the asked bitrate.
#![allow(clippy::unwrap_used)]

mod common;

use common::{decode_trimmed, encode, encoder, frequency, noise, pre_skip, tone};
use mediarec_codec_opus::{FrameDuration, OpusApplication, OpusOptions};
use mediarec_core::{AudioEncoder, BitrateMode, Duration};
use proptest::prelude::*;

fn check_exact_length(rate: u32, channels: u16, frames: usize, options: OpusOptions) {
    let mut enc = encoder(rate, channels, 96_000, BitrateMode::Variable, options);
    let pcm = tone(440.0, rate, channels, frames);
    let packets = encode(&mut enc, &pcm, &[441], Duration::ZERO);
    let decoded = decode_trimmed(&packets, channels, pre_skip(&enc));
    let factor = (48_000 / rate) as usize;
    assert_eq!(
        decoded.len(),
        frames * factor * usize::from(channels),
        "{rate} Hz, {channels} ch, {frames} frames, {options:?}"
    );
    let hz = frequency(&decoded, usize::from(channels), 48_000);
    assert!((hz - 440.0).abs() < 1.0, "{rate} Hz {options:?}: decoded tone at {hz} Hz");
}

#[test]
fn decoded_length_is_exact_at_48k_stereo() {
    // 3 s (a multiple of 960) and a length that is not.
    for frames in [144_000, 100_001] {
        check_exact_length(48_000, 2, frames, OpusOptions::default());
    }
}

#[test]
fn five_seconds_of_tone_decode_to_440_hz_with_exact_length() {
    let mut enc = encoder(48_000, 2, 128_000, BitrateMode::Variable, OpusOptions::default());
    let pcm = tone(440.0, 48_000, 2, 240_000);
    let packets = encode(&mut enc, &pcm, &[960], Duration::ZERO);
    assert_eq!(packets.len(), 251); // ⌈(240 000 + 312) / 960⌉
    assert_eq!(enc.packet_count(), 251);
    let decoded = decode_trimmed(&packets, 2, pre_skip(&enc));
    assert_eq!(decoded.len(), 240_000 * 2);
    let hz = frequency(&decoded, 2, 48_000);
    assert!((hz - 440.0).abs() < 0.5, "decoded tone at {hz} Hz");
}

#[test]
fn decoded_length_is_exact_at_every_native_rate_and_frame_duration() {
    let durations =
        [FrameDuration::Ms10, FrameDuration::Ms20, FrameDuration::Ms40, FrameDuration::Ms60];
    for (i, rate) in [8_000u32, 12_000, 16_000, 24_000, 48_000].into_iter().enumerate() {
        for channels in [1u16, 2] {
            let options = OpusOptions {
                frame_duration: durations[(i + usize::from(channels)) % 4],
                complexity: 5,
                ..OpusOptions::default()
            };
            check_exact_length(rate, channels, rate as usize / 3 + 37, options);
        }
    }
    let low_delay =
        OpusOptions { application: OpusApplication::LowDelay, ..OpusOptions::default() };
    check_exact_length(48_000, 1, 30_011, low_delay);
    let voip = OpusOptions { application: OpusApplication::Voip, ..OpusOptions::default() };
    check_exact_length(16_000, 1, 16_000, voip);
}

#[test]
fn trimmed_output_lines_up_with_the_input() {
    // If pre-skip were wrong, the decoded signal would be shifted against the input. At
    // lag 0 the SNR is about 44 dB; one sample off it drops below 18 dB.
    let rate = 48_000;
    let frames = 48_000;
    let mut pcm = tone(440.0, rate, 1, frames);
    for (s, t) in pcm.iter_mut().zip(tone(1_330.0, rate, 1, frames)) {
        *s = 0.5 * (*s + t);
    }
    let mut enc = encoder(rate, 1, 128_000, BitrateMode::Variable, OpusOptions::default());
    let packets = encode(&mut enc, &pcm, &[480], Duration::ZERO);
    let decoded = decode_trimmed(&packets, 1, pre_skip(&enc));
    assert_eq!(decoded.len(), pcm.len());
    let error = |lag: isize| -> f64 {
        (1_000..frames - 1_000)
            .map(|i| {
                let d = f64::from(decoded[(i as isize + lag) as usize]) - f64::from(pcm[i]);
                d * d
            })
            .sum()
    };
    let signal: f64 = pcm[1_000..frames - 1_000].iter().map(|&s| f64::from(s).powi(2)).sum();
    let snr_db = 10.0 * (signal / error(0)).log10();
    assert!(snr_db > 30.0, "SNR at lag 0 is {snr_db:.1} dB");
    for lag in (-8..=8).filter(|&l| l != 0) {
        assert!(error(lag) > error(0), "lag {lag} fits better than lag 0");
    }
}

#[test]
fn pts_are_contiguous_from_the_first_timestamp() {
    let anchor = Duration::from_millis(1_500);
    let mut enc = encoder(16_000, 1, 32_000, BitrateMode::Variable, OpusOptions::default());
    let pcm = tone(440.0, 16_000, 1, 16_000 + 123);
    let packets = encode(&mut enc, &pcm, &[160, 7, 999], anchor);
    let frame = Duration::from_millis(20);
    for (k, (_, info)) in packets.iter().enumerate() {
        assert_eq!(info.pts, anchor + Duration::from_millis(20 * k as u64));
        assert_eq!(info.duration, frame);
        assert!(info.keyframe);
        if k + 1 < packets.len() {
            assert_eq!(info.discard_samples, 0);
        }
    }
    // 16 123 + 104 pre-skip → 51 packets of 320; 93 padding samples ×3 at 48 kHz.
    assert_eq!(packets.len(), 51);
    assert_eq!(packets.last().unwrap().1.discard_samples, 93 * 3);
}

#[test]
fn cbr_packet_sizes_follow_the_bitrate() {
    let mut enc = encoder(48_000, 2, 64_000, BitrateMode::Constant, OpusOptions::default());
    let packets = encode(&mut enc, &noise(48_000, 2, 96_000), &[1_024], Duration::ZERO);
    let sizes: Vec<usize> = packets.iter().map(|(d, _)| d.len()).collect();
    let mean = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
    assert!((mean - 160.0).abs() <= 160.0 * 0.15, "mean packet {mean} bytes");
    // Hard CBR: every packet the same size.
    assert!(sizes.iter().all(|&s| s == sizes[0]), "{sizes:?}");

    // VBR at the same target averages near it, with sizes that vary.
    let mut enc = encoder(48_000, 2, 64_000, BitrateMode::Variable, OpusOptions::default());
    let packets = encode(&mut enc, &noise(48_000, 2, 96_000), &[1_024], Duration::ZERO);
    let mean = packets.iter().map(|(d, _)| d.len()).sum::<usize>() as f64 / packets.len() as f64;
    assert!((mean - 160.0).abs() <= 160.0 * 0.25, "VBR mean packet {mean} bytes");
    assert!(packets.iter().any(|(d, _)| d.len() != packets[0].0.len()));
}

#[test]
fn max_packet_len_holds_at_the_highest_bitrate() {
    for duration in [FrameDuration::Ms10, FrameDuration::Ms20, FrameDuration::Ms60] {
        let options = OpusOptions { frame_duration: duration, ..OpusOptions::default() };
        let mut enc = encoder(48_000, 2, 1_000_000, BitrateMode::Constant, options);
        let max = enc.max_packet_len();
        let packets = encode(&mut enc, &noise(48_000, 2, 24_000), &[4_096], Duration::ZERO);
        let largest = packets.iter().map(|(d, _)| d.len()).max().unwrap();
        assert!(largest <= max, "{duration:?}: {largest} > {max}");
        // libopus caps stereo at 510 kb/s; the buffer is not what limits the packets.
        let expected = 510_000 / 8 * duration.as_millis() as usize / 1_000;
        assert!(
            largest * 10 >= expected * 9,
            "{duration:?}: {largest} bytes, expected ~{expected}"
        );
    }
}

#[test]
fn odd_block_sizes_give_the_same_packets_as_one_push() {
    let pcm = tone(440.0, 48_000, 2, 48_000 + 17);
    let options = OpusOptions::default();
    let whole = encode(
        &mut encoder(48_000, 2, 96_000, BitrateMode::Variable, options),
        &pcm,
        &[usize::MAX],
        Duration::ZERO,
    );
    for blocks in [&[1][..], &[441], &[1_000], &[1, 441, 1_000]] {
        let mut enc = encoder(48_000, 2, 96_000, BitrateMode::Variable, options);
        assert_eq!(encode(&mut enc, &pcm, blocks, Duration::ZERO), whole, "blocks {blocks:?}");
    }
}

#[test]
fn padding_fits_in_the_last_frame_when_it_can() {
    // Pre-skip 312 at 48 kHz, frame 960: N + P ≤ 960 needs a single packet.
    for (frames, packets_expected, discard) in
        [(500, 1, 148), (648, 1, 0), (649, 2, 959), (960, 2, 648), (1, 1, 647)]
    {
        let mut enc = encoder(48_000, 1, 64_000, BitrateMode::Variable, OpusOptions::default());
        let packets = encode(&mut enc, &tone(440.0, 48_000, 1, frames), &[960], Duration::ZERO);
        assert_eq!(packets.len(), packets_expected, "N = {frames}");
        assert_eq!(packets.last().unwrap().1.discard_samples, discard, "N = {frames}");
        assert_eq!(decode_trimmed(&packets, 1, pre_skip(&enc)).len(), frames);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_blocks_any_length_decode_exactly(
        blocks in proptest::collection::vec(1usize..2_000, 1..6),
        frames in 1usize..12_000,
        stereo in any::<bool>(),
        rate in prop::sample::select(vec![8_000u32, 16_000, 48_000]),
    ) {
        let channels = if stereo { 2 } else { 1 };
        let pcm = tone(440.0, rate, channels, frames);
        let options = OpusOptions { complexity: 3, ..OpusOptions::default() };
        let mut enc = encoder(rate, channels, 48_000, BitrateMode::Variable, options);
        let packets = encode(&mut enc, &pcm, &blocks, Duration::ZERO);
        let mut reference = encoder(rate, channels, 48_000, BitrateMode::Variable, options);
        prop_assert_eq!(&encode(&mut reference, &pcm, &[usize::MAX], Duration::ZERO), &packets);
        let decoded = decode_trimmed(&packets, channels, pre_skip(&enc));
        prop_assert_eq!(decoded.len(), frames * (48_000 / rate) as usize * usize::from(channels));
    }
}
