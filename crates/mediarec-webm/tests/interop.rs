//! Interop: a 5 s 440 Hz Opus tone muxed by us must satisfy independent tools (ffprobe,
//! ffmpeg, mkvinfo), both as a seekable file and as a live stream. A missing tool fails the
//! test; `cargo xtask setup` installs them.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::MemSink;
use mediarec_core::{CodecConfig, CodecId, CodecPrivate, Duration, Muxer, Packet, PacketInfo};
use mediarec_webm::WebmMuxer;

const RATE: u32 = 48_000;
const CHANNELS: usize = 2;
const FRAME: usize = 960; // 20 ms
const SECONDS: usize = 5;

/// Finds `name` on PATH, or fails with the way to install it.
fn tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()).unwrap_or_else(
        || panic!("`{name}` is not installed; `cargo xtask setup` installs the interop tools"),
    )
}

fn run(name: &str, args: &[&str], file: &Path) -> (bool, String, String) {
    let out = Command::new(tool(name)).args(args).arg(file).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ffmpeg_args(file: &Path, tail: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["-v", "error", "-i"].iter().map(|s| s.to_string()).collect();
    v.push(file.display().to_string());
    v.extend(tail.iter().map(|s| s.to_string()));
    v
}

/// Encodes the tone and muxes it into `sink`. Returns the number of PCM frames captured.
fn record(sink: &mut MemSink) -> usize {
    let mut enc =
        opus::Encoder::new(RATE, opus::Channels::Stereo, opus::Application::Audio).unwrap();
    let pre_skip = enc.get_lookahead().unwrap() as u16;
    assert_eq!(pre_skip, 312, "libopus lookahead at 48 kHz");

    let mut head = Vec::from(*b"OpusHead");
    head.push(1);
    head.push(CHANNELS as u8);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&RATE.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes());
    head.push(0);
    let mut config = CodecConfig::audio(CodecId::Opus, RATE, CHANNELS as u16);
    config.private = CodecPrivate::new(&head).unwrap();
    config.codec_delay = Duration::from_samples(u64::from(pre_skip), RATE);
    config.seek_preroll = Duration::from_millis(80);

    let mut muxer: WebmMuxer = WebmMuxer::default();
    let track = muxer.add_track(&config).unwrap();
    muxer.write_header(sink).unwrap();

    let captured = RATE as usize * SECONDS;
    // The encoder delays its output by the pre-skip: feed that much silence at the end so
    // every captured sample comes out, and mark the rest of the last packet as padding.
    let needed = captured + usize::from(pre_skip);
    let packets = needed.div_ceil(FRAME);
    let mut pcm = vec![0f32; FRAME * CHANNELS];
    let mut out = [0u8; 4000];
    for p in 0..packets {
        for i in 0..FRAME {
            let n = p * FRAME + i;
            let v = if n < captured {
                0.5 * (2.0 * std::f32::consts::PI * 440.0 * n as f32 / RATE as f32).sin()
            } else {
                0.0
            };
            pcm[i * CHANNELS] = v;
            pcm[i * CHANNELS + 1] = v;
        }
        let len = enc.encode_float(&pcm, &mut out).unwrap();
        let last = p + 1 == packets;
        let info = PacketInfo {
            len,
            pts: Duration::from_samples((p * FRAME) as u64, RATE),
            duration: Duration::from_samples(FRAME as u64, RATE),
            keyframe: true,
            discard_samples: if last { (packets * FRAME - needed) as u32 } else { 0 },
        };
        muxer.write_packet(track, &Packet { data: &out[..len], info }, sink).unwrap();
    }
    muxer.finish(sink).unwrap();
    assert_eq!(muxer.duration(), Duration::from_millis(20 * packets as u64));
    captured
}

fn write_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Decodes with ffmpeg, requiring silence on stderr; returns decoded stereo frames.
fn decode(file: &Path) -> usize {
    let args = ffmpeg_args(file, &["-f", "s16le", "-ac", "2", "-ar", "48000", "-"]);
    let out = Command::new(tool("ffmpeg")).args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "ffmpeg decode of {file:?}: {stderr}");
    out.stdout.len() / 4
}

fn null_decode(file: &Path) {
    let args = ffmpeg_args(file, &["-f", "null", "-"]);
    let out = Command::new(tool("ffmpeg")).args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ffmpeg failed on {file:?}: {stderr}");
    assert!(stderr.is_empty(), "ffmpeg complained about {file:?}: {stderr}");
}

#[test]
fn seekable_opus_tone_passes_ffprobe_ffmpeg_and_mkvinfo() {
    let mut sink = MemSink::seekable();
    let captured = record(&mut sink);
    let file = write_file("interop-seekable.webm", &sink.image);

    let (ok, out, err) = run(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_entries",
            "format=format_name,duration:stream=codec_name,channels,sample_rate",
            "-of",
            "default=nw=1",
        ],
        &file,
    );
    assert!(ok && err.is_empty(), "ffprobe: {err}");
    assert!(out.contains("codec_name=opus"), "{out}");
    assert!(out.contains("channels=2") && out.contains("sample_rate=48000"), "{out}");
    assert!(out.contains("format_name=matroska,webm"), "{out}");
    let duration: f64 = out
        .lines()
        .find_map(|l| l.strip_prefix("duration="))
        .unwrap_or_else(|| panic!("no duration in {out}"))
        .parse()
        .unwrap();
    assert!((duration - 5.0).abs() <= 0.05, "ffprobe duration {duration}");

    null_decode(&file);
    // CodecDelay and DiscardPadding trim exactly what was captured.
    assert_eq!(decode(&file), captured);

    let (ok, out, err) = run("mkvinfo", &["-v"], &file);
    assert!(ok, "mkvinfo: {out}{err}");
    assert!(out.contains("Duration: 00:00:05.0"), "mkvinfo shows no Duration: {out}");
    assert!(out.contains("Cues"), "mkvinfo shows no Cues: {out}");
    assert!(out.contains("Seek head"), "mkvinfo shows no SeekHead: {out}");
}

#[test]
fn live_opus_tone_decodes_and_matches_the_seekable_stream() {
    let mut live = MemSink::live();
    let captured = record(&mut live);
    let mut seekable = MemSink::seekable();
    record(&mut seekable);
    assert_eq!(live.stream, seekable.stream);
    assert_eq!(live.image, live.stream);

    let file = write_file("interop-live.webm", &live.image);
    null_decode(&file);
    assert_eq!(decode(&file), captured);
    let (ok, out, err) = run("mkvinfo", &["-v"], &file);
    assert!(ok, "mkvinfo on the live file: {out}{err}");
    assert!(!out.contains("Cues"), "a live file has no Cues: {out}");
}
