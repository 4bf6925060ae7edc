//! Cross-check (b): packets from libopus decoded by opus-rs's decoder, the other direction
//! of the interop check, and our own packets through opus-rs's decoder for comparison.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Packets, decode_opus_rs, deep, encode, encoder, frequency, snr_db, tone};
use mediarec_codec_opus_pure::PureOpusOptions;
use mediarec_core::{BitrateMode, Duration, PacketInfo};

/// Encodes `pcm` with libopus the way the libopus backend does: pad to cover the
/// look-ahead, then mark the padding of the last packet. Returns packets and pre-skip.
fn libopus_encode(pcm: &[f32], rate: u32, channels: u16, app: opus::Application) -> (Packets, u16) {
    let ch = if channels == 1 { opus::Channels::Mono } else { opus::Channels::Stereo };
    let mut enc = opus::Encoder::new(rate, ch, app).unwrap();
    enc.set_bitrate(opus::Bitrate::Bits(48_000)).unwrap();
    let lookahead = enc.get_lookahead().unwrap() as usize;
    let factor = (48_000 / rate) as usize;
    let ch = usize::from(channels);
    let frame = rate as usize / 50;
    let frames = pcm.len() / ch;
    let needed = frames + lookahead;
    let count = needed.div_ceil(frame);
    let mut padded = pcm.to_vec();
    padded.resize(count * frame * ch, 0.0);
    let mut out = vec![0u8; 4_000];
    let packets = padded
        .chunks(frame * ch)
        .enumerate()
        .map(|(i, block)| {
            let len = enc.encode_float(block, &mut out).unwrap();
            let last = i + 1 == count;
            let info = PacketInfo {
                len,
                pts: Duration::from_millis(20 * i as u64),
                duration: Duration::from_millis(20),
                keyframe: true,
                discard_samples: if last { ((count * frame - needed) * factor) as u32 } else { 0 },
            };
            (out[..len].to_vec(), info)
        })
        .collect();
    (packets, (lookahead * factor) as u16)
}

#[test]
fn opus_rs_decodes_libopus_packets_to_the_tone_with_exact_length() {
    deep(|| {
        for (rate, channels, app) in [
            (48_000, 2, opus::Application::Audio),
            (48_000, 1, opus::Application::LowDelay),
            (16_000, 1, opus::Application::Voip),
            (8_000, 2, opus::Application::Voip),
        ] {
            let frames = 2 * rate as usize - 37;
            let pcm = tone(440.0, rate, channels, frames);
            let (packets, pre_skip) = libopus_encode(&pcm, rate, channels, app);
            let ch = usize::from(channels);
            let decoded = decode_opus_rs(&packets, channels, pre_skip);
            let label = format!("libopus {rate} Hz {channels} ch {app:?}");
            assert_eq!(decoded.len(), frames * (48_000 / rate) as usize * ch, "{label}");
            let hz = frequency(&decoded[4_800 * ch..], ch, 48_000);
            let snr = snr_db(&decoded, ch, 440.0, 0);
            println!("{label} → opus-rs: {hz:.3} Hz, SNR {snr:.1} dB (pre-skip {pre_skip})");
            assert!((hz - 440.0).abs() < 1.0, "{label}: decoded tone at {hz} Hz");
            assert!(snr > 10.0, "{label}: SNR {snr:.1} dB");
        }
    });
}

#[test]
fn opus_rs_decodes_our_packets_like_libopus_does() {
    deep(|| {
        for (rate, channels) in [(48_000, 2), (16_000, 1)] {
            let mut enc =
                encoder(rate, channels, 48_000, BitrateMode::Variable, PureOpusOptions::default());
            let frames = rate as usize + 5;
            let pcm = tone(440.0, rate, channels, frames);
            let packets = encode(&mut enc, &pcm, &[480]);
            let ch = usize::from(channels);
            let ours = decode_opus_rs(&packets, channels, enc.pre_skip());
            let theirs = common::decode_libopus(&packets, channels, enc.pre_skip());
            assert_eq!(ours.len(), frames * (48_000 / rate) as usize * ch);
            assert_eq!(ours.len(), theirs.len());
            let diff = ours.iter().zip(&theirs).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            println!("{rate} Hz {channels} ch: opus-rs vs libopus decoders differ by ≤ {diff}");
            assert!(diff < 0.01, "{rate} Hz: decoders disagree by {diff}");
        }
    });
}
