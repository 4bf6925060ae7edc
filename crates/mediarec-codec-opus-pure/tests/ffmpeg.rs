//! Cross-check (c): a WebM file muxed from the pure-Rust encoder's packets decodes with
//! ffmpeg, an independent Opus decoder and Matroska reader, silently and to exactly the
//! pushed length. A missing ffmpeg fails the test; `cargo xtask setup` installs it.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{MemSink, deep, encode, encoder, frequency, snr_db, tone, tool};
use mediarec_codec_opus_pure::{FrameDuration, PureOpusOptions};
use mediarec_core::{AudioEncoder, BitrateMode, Muxer, Packet};
use mediarec_webm::WebmMuxer;

/// Encodes a 440 Hz tone, muxes it, decodes the file with ffmpeg to 48 kHz `f32`, and
/// returns (pushed frames, decoded interleaved samples).
fn record_and_decode(
    rate: u32,
    channels: u16,
    frame: FrameDuration,
    name: &str,
) -> (usize, Vec<f32>) {
    let frames = 3 * rate as usize - 101;
    let (image, frames) = deep(move || {
        let options = PureOpusOptions { frame_duration: frame, ..PureOpusOptions::default() };
        let mut enc = encoder(rate, channels, 64_000, BitrateMode::Variable, options);
        let packets = encode(&mut enc, &tone(440.0, rate, channels, frames), &[441]);
        let mut muxer: WebmMuxer = WebmMuxer::default();
        let track = muxer.add_track(enc.config()).unwrap();
        let mut sink = MemSink::default();
        muxer.write_header(&mut sink).unwrap();
        for (data, info) in &packets {
            muxer.write_packet(track, &Packet { data, info: *info }, &mut sink).unwrap();
        }
        muxer.finish(&mut sink).unwrap();
        (sink.image, frames)
    });
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&file, &image).unwrap();
    let out = Command::new(tool("ffmpeg"))
        .args(["-v", "error", "-i"])
        .arg(&file)
        .args(["-f", "f32le", "-ac", &channels.to_string(), "-ar", "48000", "-"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "ffmpeg on {file:?}: {stderr}");
    let decoded =
        out.stdout.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    (frames, decoded)
}

#[test]
fn ffmpeg_decodes_our_webm_to_exactly_the_pushed_samples() {
    for (rate, channels, frame) in [
        (48_000, 2, FrameDuration::Ms20),
        (16_000, 1, FrameDuration::Ms60),
        (24_000, 2, FrameDuration::Ms10),
    ] {
        let name = format!("pure-opus-{rate}-{channels}.webm");
        let (frames, decoded) = record_and_decode(rate, channels, frame, &name);
        let ch = usize::from(channels);
        let want = frames * (48_000 / rate) as usize * ch;
        assert_eq!(decoded.len(), want, "{name}: ffmpeg decoded {} samples", decoded.len());
        let hz = frequency(&decoded[4_800 * ch..], ch, 48_000);
        let snr = snr_db(&decoded, ch, 440.0, 0);
        println!("{name}: {} frames at 48 kHz, {hz:.3} Hz, SNR {snr:.1} dB", want / ch);
        assert!((hz - 440.0).abs() < 1.0, "{name}: tone at {hz} Hz");
        assert!(snr > 10.0, "{name}: SNR {snr:.1} dB");
    }
}
