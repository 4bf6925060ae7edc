//! Recordings made by the `mediarec` binary, judged by tools that share no code with it:
//! ffprobe/ffmpeg (full decode) and mkvinfo.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::*;

#[test]
fn a_tone_recording_is_decodable_seekable_webm_opus() {
    let dir = tempfile::tempdir().unwrap();
    let out = mediarec(
        dir.path(),
        &["record", "--source", "tone:440", "--duration", "2s", "--quiet", "out.webm"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let file = dir.path().join("out.webm");
    ffmpeg_decodes(&file);
    assert_eq!(ffprobe(&file, "stream=codec_name"), "opus");
    assert_eq!(ffprobe(&file, "format=format_name"), "matroska,webm");
    let seconds = decoded_seconds(&file);
    assert!((seconds - 2.0).abs() < 0.005, "decoded {seconds} s");
    let info = tool("mkvinfo", &["-a", file.to_str().unwrap()]);
    let info = text(&info);
    assert!(info.contains("Duration"), "mkvinfo shows no Duration:\n{info}");
    assert!(info.contains("Cues"), "mkvinfo shows no Cues:\n{info}");
    assert!(info.contains("Document type: webm"), "{info}");
}

#[test]
fn live_output_to_stdout_decodes_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = mediarec(dir.path(), &["record", "--duration", "1s", "-"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = dir.path().join("live.webm");
    std::fs::write(&file, &out.stdout).unwrap();
    ffmpeg_decodes(&file);
    let info = text(&tool("mkvinfo", &["-a", file.to_str().unwrap()]));
    assert!(info.contains("unknown"), "a pipe cannot be patched: sizes stay unknown\n{info}");
}

#[test]
fn pcm_and_matroska_and_ogg_types_decode() {
    let dir = tempfile::tempdir().unwrap();
    for (mime, name, format) in [
        ("audio/webm;codecs=pcm", "pcm.webm", "matroska,webm"),
        ("audio/x-matroska;codecs=opus", "a.mka", "matroska,webm"),
        ("audio/ogg;codecs=opus", "a.ogg", "ogg"),
    ] {
        let out =
            mediarec(dir.path(), &["record", "--mime", mime, "--duration", "1s", "--quiet", name]);
        assert!(out.status.success(), "{mime}: {}", text(&out));
        let file = dir.path().join(name);
        ffmpeg_decodes(&file);
        assert_eq!(ffprobe(&file, "format=format_name"), format, "{mime}");
        let seconds = decoded_seconds(&file);
        assert!((seconds - 1.0).abs() < 0.005, "{mime}: decoded {seconds} s");
    }
    let info = text(&tool("mkvinfo", &["-a", dir.path().join("a.mka").to_str().unwrap()]));
    assert!(info.contains("Document type: matroska"), "{info}");
}

/// Exact trimming: a stereo WAV of 144000 sample frames decodes to exactly 144000 per
/// channel from WebM and from Ogg (pre-skip at the start, end padding discarded).
#[test]
fn a_wav_file_decodes_to_exactly_its_sample_count() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("in.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&wav, spec).unwrap();
    for i in 0..144_000u32 {
        let v = ((i as f32 * 440.0 * std::f32::consts::TAU / 48_000.0).sin() * 16_000.0) as i16;
        w.write_sample(v).unwrap();
        w.write_sample(v).unwrap();
    }
    w.finalize().unwrap();
    for (mime, name) in [
        ("audio/webm;codecs=opus", "x.webm"),
        ("audio/ogg;codecs=opus", "x.ogg"),
        ("audio/webm;codecs=pcm", "p.webm"),
    ] {
        let out = mediarec(
            dir.path(),
            &["record", "--source", "file:in.wav", "--mime", mime, "--quiet", name],
        );
        assert!(out.status.success(), "{mime}: {}", text(&out));
        let file = dir.path().join(name);
        let d = tool(
            "ffmpeg",
            &["-v", "error", "-i", file.to_str().unwrap(), "-f", "s16le", "-ac", "2", "-"],
        );
        assert!(d.status.success() && d.stderr.is_empty(), "{mime}: {}", text(&d));
        assert_eq!(d.stdout.len() / 4, 144_000, "{mime}: samples per channel");
    }
}

/// Chunked recording: every chunk after the first starts with a Cluster, the chunks
/// concatenated decode to the whole recording, and the file is still seekable. With
/// `--self-contained-chunks` every chunk is a file of its own that ffmpeg decodes.
#[test]
fn chunks_concatenate_and_self_contained_chunks_stand_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = mediarec(
        dir.path(),
        &[
            "record",
            "--duration",
            "3s",
            "--timeslice",
            "1000",
            "--chunks",
            "d",
            "--quiet",
            "out.webm",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let mut chunks: Vec<_> =
        std::fs::read_dir(dir.path().join("d")).unwrap().map(|e| e.unwrap().path()).collect();
    chunks.sort();
    assert!(chunks.len() >= 3, "{chunks:?}");
    let mut all = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        let b = std::fs::read(c).unwrap();
        let want: &[u8] =
            if i == 0 { &[0x1A, 0x45, 0xDF, 0xA3] } else { &[0x1F, 0x43, 0xB6, 0x75] };
        assert_eq!(&b[..4], want, "{}", c.display());
        all.extend_from_slice(&b);
    }
    let joined = dir.path().join("joined.webm");
    std::fs::write(&joined, all).unwrap();
    ffmpeg_decodes(&joined);
    assert!((decoded_seconds(&joined) - 3.0).abs() < 0.005);
    let info = text(&tool("mkvinfo", &["-a", dir.path().join("out.webm").to_str().unwrap()]));
    assert!(info.contains("Duration") && info.contains("Cues"), "{info}");

    let out = mediarec(
        dir.path(),
        &[
            "record",
            "--duration",
            "3s",
            "--timeslice",
            "1000",
            "--chunks",
            "s",
            "--self-contained-chunks",
            "--quiet",
            "sc.webm",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let mut chunks: Vec<_> =
        std::fs::read_dir(dir.path().join("s")).unwrap().map(|e| e.unwrap().path()).collect();
    chunks.sort();
    assert!(chunks.len() >= 3);
    let mut total = 0.0;
    for c in &chunks {
        assert_eq!(&std::fs::read(c).unwrap()[..4], &[0x1A, 0x45, 0xDF, 0xA3], "{}", c.display());
        ffmpeg_decodes(c);
        total += decoded_seconds(c);
    }
    assert!((total - 3.0).abs() < 0.05, "chunks hold {total} s");
    let file = dir.path().join("sc.webm");
    ffmpeg_decodes(&file);
    assert!((decoded_seconds(&file) - 3.0).abs() < 0.005, "the file is one stream");
}

fn packets(file: &std::path::Path, stream: &str, entry: &str) -> Vec<String> {
    let o = tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-select_streams",
            stream,
            "-show_entries",
            entry,
            "-of",
            "csv=p=0",
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout).lines().map(str::to_string).collect()
}

/// VP8 and VP9 with Opus from a tone and the test pattern: both codecs, 5.0 s, seekable.
#[test]
fn vp8_and_vp9_with_opus_decode_and_are_seekable() {
    let dir = tempfile::tempdir().unwrap();
    for codec in ["vp8", "vp9"] {
        let name = format!("{codec}.webm");
        let mime = format!("video/webm;codecs={codec},opus");
        let out = mediarec(
            dir.path(),
            &[
                "record",
                "--source",
                "tone:440",
                "--source",
                "pattern:320x240@30",
                "--duration",
                "5s",
                "--mime",
                &mime,
                "--quiet",
                &name,
            ],
        );
        assert!(out.status.success(), "{codec}: {}", text(&out));
        let file = dir.path().join(&name);
        ffmpeg_decodes(&file);
        let codecs = ffprobe(&file, "stream=codec_name");
        assert!(codecs.contains(codec) && codecs.contains("opus"), "{codecs}");
        let d: f64 = ffprobe(&file, "format=duration").parse().unwrap();
        assert!((d - 5.0).abs() <= 0.15, "{codec}: {d} s");
        assert_eq!(packets(&file, "v", "packet=pts").len(), 150, "{codec}: 5 s at 30 fps");
        let info = text(&tool("mkvinfo", &["-a", file.to_str().unwrap()]));
        assert!(info.contains("Duration") && info.contains("Cues"), "{info}");
    }
}

/// videoKeyFrameIntervalCount and videoKeyFrameIntervalDuration: 4 s at 30 fps with a key
/// frame every 30 frames or every second gives 4 key frames.
#[test]
fn key_frame_interval_options_set_the_cadence() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, value) in [("--keyframe-interval-frames", "30"), ("--keyframe-interval-ms", "1000")]
    {
        let out = mediarec(
            dir.path(),
            &[
                "record",
                "--source",
                "pattern:320x240@30",
                "--duration",
                "4s",
                flag,
                value,
                "--quiet",
                "k.webm",
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
        let keys = packets(&dir.path().join("k.webm"), "v", "packet=flags")
            .iter()
            .filter(|f| f.starts_with('K'))
            .count();
        assert!(keys == 4 || keys == 5, "{flag}: {keys} key frames");
    }
}

/// audioBitsPerSecond with audioBitrateMode constant on noise: 64 kb/s ± 15 %.
#[test]
fn constant_bitrate_holds_on_noise() {
    let dir = tempfile::tempdir().unwrap();
    let out = mediarec(
        dir.path(),
        &[
            "record",
            "--source",
            "noise",
            "--audio-bitrate",
            "64000",
            "--bitrate-mode",
            "constant",
            "--duration",
            "3s",
            "--quiet",
            "cbr.webm",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let sizes: Vec<f64> = packets(&dir.path().join("cbr.webm"), "a", "packet=size")
        .iter()
        .filter_map(|s| s.split(",").next()?.parse().ok())
        .collect();
    let kbps = sizes.iter().sum::<f64>() * 8.0 / (sizes.len() as f64 * 0.02) / 1000.0;
    assert!((kbps - 64.0).abs() <= 64.0 * 0.15, "{kbps} kb/s");
}
