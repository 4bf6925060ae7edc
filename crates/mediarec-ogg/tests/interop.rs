//! Interop: libopus packets muxed by us must satisfy independent Ogg Opus readers
//! (`opusinfo`, `ffmpeg`) and decode to exactly the number of samples that went in.
//!
//! The tools are installed by `cargo xtask setup`; a missing tool fails the test.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use mediarec_core::{
    ByteSink, CodecConfig, CodecId, CodecPrivate, Duration, Muxer, Packet, PacketInfo, SinkError,
};
use mediarec_ogg::{OggOpusMuxer, OpusHead, Pages};

const RATE: u32 = 48_000;
const CHANNELS: usize = 2;
const FRAME: usize = 960; // 20 ms

struct VecSink(Vec<u8>);

impl ByteSink for VecSink {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
    fn position(&self) -> u64 {
        self.0.len() as u64
    }
}

/// Runs a tool, failing the test with a setup hint when it is not installed.
fn run(tool: &str, args: &[&str]) -> std::process::Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!("`{tool}` could not be run ({e}); `cargo xtask setup` installs it"),
    }
}

/// Encodes `n` sample frames of a 440 Hz stereo tone and muxes them, cutting a page every
/// `cut_every` packets (blob boundaries). Returns the file bytes and the pre-skip.
/// `n` is computed from the encoder's pre-skip.
fn encode_tone(n: impl Fn(usize) -> usize, cut_every: usize) -> (Vec<u8>, usize, usize) {
    let mut enc =
        opus::Encoder::new(RATE, opus::Channels::Stereo, opus::Application::Audio).unwrap();
    enc.set_bitrate(opus::Bitrate::Bits(96_000)).unwrap();
    let pre_skip = usize::try_from(enc.get_lookahead().unwrap()).unwrap();
    let n = n(pre_skip);

    let head = OpusHead {
        version: 1,
        channels: CHANNELS as u8,
        pre_skip: pre_skip as u16,
        input_sample_rate: RATE,
        output_gain: 0,
        mapping_family: 0,
    };
    let mut config = CodecConfig::audio(CodecId::Opus, RATE, CHANNELS as u16);
    config.private = CodecPrivate::new(&head.to_bytes()).unwrap();
    config.codec_delay = Duration::from_samples(pre_skip as u64, RATE);
    config.seek_preroll = Duration::from_millis(80);

    // The decoder's output lags the input by the pre-skip, so N input samples need N +
    // pre-skip decoded samples: pad with silence to whole frames and trim the rest.
    let needed = n + pre_skip;
    let frames = needed.div_ceil(FRAME);
    let padding = frames * FRAME - needed;
    let mut pcm = vec![0f32; frames * FRAME * CHANNELS];
    for i in 0..n {
        let v = 0.5 * (2.0 * std::f32::consts::PI * 440.0 * i as f32 / RATE as f32).sin();
        pcm[i * CHANNELS] = v;
        pcm[i * CHANNELS + 1] = v;
    }

    let mut mux = OggOpusMuxer::new();
    let track = mux.add_track(&config).unwrap();
    let mut sink = VecSink(Vec::new());
    mux.write_header(&mut sink).unwrap();
    let mut out = [0u8; 4000];
    for (i, chunk) in pcm.chunks(FRAME * CHANNELS).enumerate() {
        let len = enc.encode_float(chunk, &mut out).unwrap();
        let last = i + 1 == frames;
        let info = PacketInfo {
            len,
            pts: Duration::from_samples((i * FRAME) as u64, RATE),
            duration: Duration::from_samples(FRAME as u64, RATE),
            keyframe: true,
            discard_samples: if last { padding as u32 } else { 0 },
        };
        mux.write_packet(track, &Packet { data: &out[..len], info }, &mut sink).unwrap();
        if (i + 1) % cut_every == 0 {
            mux.cut(&mut sink).unwrap();
        }
    }
    mux.finish(&mut sink).unwrap();
    (sink.0, pre_skip, n)
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn check_opusinfo(path: &Path) {
    let out = run("opusinfo", &[path.to_str().unwrap()]);
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "opusinfo failed:\n{text}");
    assert!(!text.contains("WARNING"), "opusinfo warned:\n{text}");
}

fn check_ffmpeg_clean(path: &Path) {
    let out = run("ffmpeg", &["-v", "error", "-i", path.to_str().unwrap(), "-f", "null", "-"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.trim().is_empty(), "ffmpeg reported:\n{err}");
}

/// Decodes with ffmpeg to interleaved s16 stereo; returns the samples.
fn ffmpeg_decode(path: &Path) -> Vec<i16> {
    let out = run(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            path.to_str().unwrap(),
            "-f",
            "s16le",
            "-ac",
            "2",
            "-ar",
            "48000",
            "-",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect()
}

fn check_file(name: &str, n: impl Fn(usize) -> usize, cut_every: usize) -> Vec<u8> {
    let (bytes, pre_skip, n) = encode_tone(n, cut_every);

    // Our own reader: the final granule is exactly pre-skip + N.
    let pages: Vec<_> = Pages::new(&bytes).collect::<Result<_, _>>().unwrap();
    assert!(pages.last().unwrap().is_eos());
    let final_granule = pages.iter().rev().find_map(|p| p.granule_position()).unwrap();
    assert_eq!(final_granule, (n + pre_skip) as i64);
    assert_eq!(pages.iter().filter(|p| p.is_eos()).count(), 1);

    let path = write(name, &bytes);
    check_opusinfo(&path);
    check_ffmpeg_clean(&path);
    let pcm = ffmpeg_decode(&path);
    assert_eq!(pcm.len() / CHANNELS, n, "decoded sample frames of {name}");

    // And it is the tone, not silence: RMS of a 0.5-amplitude sine is about 0.354.
    let body = &pcm[RATE as usize / 10 * CHANNELS..];
    let rms = (body.iter().map(|&s| (s as f64 / 32768.0).powi(2)).sum::<f64>() / body.len() as f64)
        .sqrt();
    assert!((0.3..0.4).contains(&rms), "rms {rms}");
    bytes
}

#[test]
fn five_seconds_of_tone_decode_to_exactly_the_input_length() {
    check_file("tone-5s.opus", |_| 5 * RATE as usize, 50);
}

#[test]
fn a_length_off_the_frame_grid_is_trimmed_exactly() {
    // 144 000 samples (3 s) plus 500: the last frame is mostly padding.
    check_file("tone-3s-500.opus", |_| 144_000 + 500, 7);
}

#[test]
fn a_cut_after_the_last_untrimmed_packet_ends_with_an_empty_eos_page() {
    // Input plus pre-skip fills whole frames, so nothing is trimmed; a page per packet.
    let bytes = check_file("tone-on-grid.opus", |pre_skip| 100 * FRAME - pre_skip, 1);
    let last = Pages::new(&bytes).last().unwrap().unwrap();
    assert!(last.is_eos() && last.segments.is_empty());
}
