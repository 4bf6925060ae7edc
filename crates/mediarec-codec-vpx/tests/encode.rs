//! Encode the moving test pattern with `VpxEncoder` and check what ffmpeg decodes: one packet
//! per picture, key frames exactly where forced, the asked bitrate, and a picture close to
//! the source whether it came in as I420, RGBA or BGRA.
#![allow(clippy::unwrap_used)]

mod common;

use common::{decode_i420, encode_pattern, encoder, ivf, probe, psnr, reference_i420};
use mediarec_core::{CodecId, Duration, PixelFormat, VideoEncoder};

const W: u32 = 320;
const H: u32 = 240;

fn sixty_frames_two_forced_keyframes(codec: CodecId, name: &str) {
    let mut enc = encoder(codec, W, H, 30, 500_000);
    let packets = encode_pattern(&mut enc, PixelFormat::I420, 60, |i| i == 0 || i == 30);
    assert_eq!(packets.len(), 60, "one packet per picture");
    let keys: Vec<usize> =
        packets.iter().enumerate().filter(|(_, (_, i))| i.keyframe).map(|(k, _)| k).collect();
    // The flash at frame 30 is a scene cut, yet libvpx adds no key frame of its own.
    assert_eq!(keys, [0, 30], "{name}: key frames");
    assert_eq!(enc.keyframe_count(), 2);
    for (k, (data, info)) in packets.iter().enumerate() {
        assert_eq!(info.pts, Duration::from_samples(k as u64, 30), "{name} packet {k}");
        assert_eq!(info.duration, Duration::from_micros(33_333));
        assert_eq!(info.discard_samples, 0);
        assert!(!data.is_empty() && data.len() <= enc.max_packet_len());
    }

    let probe = probe(&ivf(codec, W, H, &packets));
    assert_eq!(probe.codec, name);
    assert_eq!((probe.width, probe.height), (W, H));
    assert_eq!(probe.frames, 60, "{name}: decoded frames");
    // ffprobe reads the key flag from the bitstream: it must agree with ours.
    let ours: Vec<bool> = packets.iter().map(|(_, i)| i.keyframe).collect();
    assert_eq!(probe.key_packets, ours, "{name}: key flags");
}

#[test]
fn vp8_sixty_frames_decode_with_two_forced_keyframes() {
    sixty_frames_two_forced_keyframes(CodecId::Vp8, "vp8");
}

#[test]
fn vp9_sixty_frames_decode_with_two_forced_keyframes() {
    sixty_frames_two_forced_keyframes(CodecId::Vp9, "vp9");
}

/// The flat pattern needs only ~300 kb/s at the best quantizer, so the targets stay below
/// that: constant bitrate cannot spend bits a picture does not need.
#[test]
fn bitrate_is_honoured_over_five_seconds() {
    for codec in [CodecId::Vp8, CodecId::Vp9] {
        for bps in [100_000u32, 200_000] {
            let mut enc = encoder(codec, W, H, 30, bps);
            // Key frames every 100 pictures, the recorder's default.
            let packets = encode_pattern(&mut enc, PixelFormat::I420, 150, |i| i % 100 == 0);
            let bytes: usize = packets.iter().map(|(d, _)| d.len()).sum();
            let measured = bytes as f64 * 8.0 / 5.0;
            let ratio = measured / f64::from(bps);
            assert!(
                (0.7..=1.3).contains(&ratio),
                "{codec:?} at {bps} b/s: measured {measured:.0} b/s ({ratio:.2}×)"
            );
        }
    }
}

#[test]
fn rgba_bgra_and_i420_input_decode_to_the_same_picture() {
    let frames = 20;
    let reference = reference_i420(W, H, frames);
    for codec in [CodecId::Vp8, CodecId::Vp9] {
        let mut decoded = Vec::new();
        for format in [PixelFormat::I420, PixelFormat::Rgba, PixelFormat::Bgra] {
            let mut enc = encoder(codec, W, H, 30, 1_500_000);
            let packets = encode_pattern(&mut enc, format, frames, |i| i == 0);
            let pictures = decode_i420(&ivf(codec, W, H, &packets));
            assert_eq!(pictures.len(), reference.len(), "{codec:?} {format:?}");
            let quality = psnr(&pictures, &reference);
            assert!(quality > 30.0, "{codec:?} {format:?}: {quality:.1} dB against the source");
            decoded.push(pictures);
        }
        let rgba_vs_i420 = psnr(&decoded[1], &decoded[0]);
        assert!(rgba_vs_i420 > 35.0, "{codec:?}: RGBA vs I420 {rgba_vs_i420:.1} dB");
        // RGBA and BGRA carry the same colours: the encoder sees identical I420.
        assert_eq!(decoded[1], decoded[2], "{codec:?}: BGRA differs from RGBA");
    }
}

#[test]
fn a_packet_never_exceeds_max_packet_len_at_a_huge_bitrate() {
    for codec in [CodecId::Vp8, CodecId::Vp9] {
        let mut enc = encoder(codec, 64, 48, 30, 50_000_000);
        let max = enc.max_packet_len();
        let packets = encode_pattern(&mut enc, PixelFormat::Rgba, 10, |_| true);
        assert!(packets.iter().all(|(d, i)| d.len() <= max && i.keyframe));
    }
}
