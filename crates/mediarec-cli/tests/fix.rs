//! `mediarec fix` and `mediarec inspect` against the oracles: a recording killed with
//! SIGKILL, Chromium's timesliced recordings, a Firefox-style Duration of 0, an Ogg file,
//! bad input, and the memory a 200 MB repair needs.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{decoded_seconds, ffmpeg_decodes, mediarec, text, tool};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../mediarec/tests/data").join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `mkvinfo -a` must show a Duration and cue points.
fn assert_mkvinfo_seekable(file: &Path) {
    let o = tool("mkvinfo", &["-a", s(file)]);
    let out = text(&o);
    assert!(o.status.success(), "mkvinfo failed on {}: {out}", file.display());
    assert!(out.contains("+ Duration:"), "no Duration in {}:\n{out}", file.display());
    assert!(out.contains("+ Cue point"), "no Cues in {}:\n{out}", file.display());
    assert!(!out.contains("size unknown"), "unknown sizes left in {}", file.display());
}

fn ffprobe_duration(file: &Path) -> f64 {
    common::ffprobe(file, "format=duration").parse().unwrap()
}

/// Seeks to the middle with ffmpeg: no error, and what decodes from there is the rest.
fn assert_seeks_to_middle(file: &Path) {
    let total = decoded_seconds(file);
    let middle = format!("{:.3}", total / 2.0);
    let o = tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-ss",
            &middle,
            "-i",
            s(file),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            "48000",
            "-",
        ],
    );
    assert!(o.status.success() && o.stderr.is_empty(), "ffmpeg -ss {middle}: {}", text(&o));
    let rest = o.stdout.len() as f64 / 2.0 / 48_000.0;
    assert!(
        (rest - total / 2.0).abs() < 0.2,
        "{}: {rest} s after -ss {middle} of {total}",
        file.display()
    );
}

fn fix_ok(dir: &Path, input: &Path, output: &str) -> PathBuf {
    let out = mediarec(dir, &["fix", s(input), output]);
    assert!(out.status.success(), "fix {}: {}", input.display(), text(&out));
    let line = String::from_utf8_lossy(&out.stdout);
    assert_eq!(line.lines().count(), 1, "one summary line: {line}");
    assert!(line.contains("duration") && line.contains("cue points"), "{line}");
    dir.join(output)
}

fn inspect_json(dir: &Path, file: &Path) -> serde_json::Value {
    let out = mediarec(dir, &["inspect", s(file), "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_recording_killed_after_4_s_keeps_2_s_and_fix_makes_it_seekable() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("out.webm");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mediarec"))
        .args(["record", "--source", "tone:440", "--quiet", s(&raw)])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(4));
    child.kill().unwrap(); // SIGKILL: nothing gets finished
    child.wait().unwrap();

    // The raw file decodes up to its torn tail (ffmpeg may warn that it ends early).
    let size = std::fs::metadata(&raw).unwrap().len();
    assert!(size > 0, "nothing reached the file within 4 s");
    let kept = decoded_seconds(&raw);
    assert!(kept >= 2.0, "only {kept} s survived the kill");

    let fixed = fix_ok(dir.path(), &raw, "fixed.webm");
    ffmpeg_decodes(&fixed);
    assert_mkvinfo_seekable(&fixed);
    let decoded = decoded_seconds(&fixed);
    let duration = ffprobe_duration(&fixed);
    assert!((duration - decoded).abs() < 0.1, "Duration {duration} vs decoded {decoded}");
    assert!(decoded >= kept - 0.1);
    let v = inspect_json(dir.path(), &fixed);
    assert_eq!(v["seekable"], true);
    assert_eq!(v["problems"].as_array().unwrap().len(), 0, "{v}");
}

#[test]
fn chromium_timesliced_recordings_become_seekable_for_ffmpeg() {
    let dir = tempfile::tempdir().unwrap();
    for (name, video) in [
        ("chromium-opus-timeslice250.webm", false),
        ("chromium-vp8-opus-timeslice500.webm", true),
        ("chromium-vp8-opus-cut.webm", true),
    ] {
        let input = fixture(name);
        let before = inspect_json(dir.path(), &input);
        assert_eq!(before["hasDuration"], false, "{name}");
        assert_eq!(before["hasCues"], false, "{name}");
        let fixed = fix_ok(dir.path(), &input, &format!("fixed-{name}"));
        ffmpeg_decodes(&fixed);
        assert_mkvinfo_seekable(&fixed);
        assert_seeks_to_middle(&fixed);
        let after = inspect_json(dir.path(), &fixed);
        assert_eq!(after["seekable"], true);
        assert_eq!(after["blocks"], before["blocks"], "{name}: every complete block kept");
        let kinds: Vec<&str> = after["tracks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.contains(&"video"), video);
        let duration = ffprobe_duration(&fixed);
        let media = after["mediaDuration"].as_f64().unwrap();
        assert!((duration - media).abs() < 0.01, "{name}: {duration} vs {media}");
    }
    // The cut copy names the truncation and its offset.
    let cut = inspect_json(dir.path(), &fixture("chromium-vp8-opus-cut.webm"));
    assert!(cut["truncatedAt"].as_u64().is_some(), "{cut}");
    assert!(cut["problems"][0].as_str().unwrap().contains("truncated"), "{cut}");
}

/// Overwrites the 8-byte float Duration (ID 44 89, size 88) with 0.0, as Firefox leaves it.
fn zero_duration(file: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    let at = bytes.windows(3).position(|w| w == [0x44, 0x89, 0x88]).unwrap();
    bytes[at + 3..at + 11].copy_from_slice(&0.0f64.to_be_bytes());
    std::fs::write(file, bytes).unwrap();
}

#[test]
fn a_firefox_style_duration_of_zero_gets_the_real_length() {
    let dir = tempfile::tempdir().unwrap();
    let out = mediarec(
        dir.path(),
        &["record", "--source", "tone:440", "--duration", "3s", "--quiet", "ff.webm"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let file = dir.path().join("ff.webm");
    let real = ffprobe_duration(&file);
    zero_duration(&file);
    let v = inspect_json(dir.path(), &file);
    assert_eq!(v["duration"], 0.0);
    assert!(
        v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.as_str().unwrap().contains("Duration says 0.000"))
    );
    let fixed = fix_ok(dir.path(), &file, "fixed.webm");
    ffmpeg_decodes(&fixed);
    assert_mkvinfo_seekable(&fixed);
    let now = ffprobe_duration(&fixed);
    assert!((now - real).abs() < 0.002, "{now} vs {real}");
    assert!((now - 3.0).abs() < 0.1);
}

#[test]
fn bad_input_and_unwritable_output_exit_2_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("g.webm"), b"definitely not media").unwrap();
    let header_only = [0x1A, 0x45, 0xDF, 0xA3, 0x87, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm'];
    std::fs::write(p.join("h.webm"), header_only).unwrap();
    let mut garbage = header_only.to_vec();
    garbage.extend(std::iter::repeat_n(0xA5u8, 10_000));
    std::fs::write(p.join("hg.webm"), &garbage).unwrap();
    for (input, words) in [
        ("g.webm", "not a WebM/Matroska file"),
        ("h.webm", "no Segment"),
        ("hg.webm", "no Segment"),
        ("missing.webm", "cannot fix"),
    ] {
        let out = mediarec(p, &["fix", input, "o.webm"]);
        assert_eq!(out.status.code(), Some(2), "{input}: {}", text(&out));
        assert!(text(&out).contains(words), "{input}: {}", text(&out));
        assert!(!text(&out).contains("panicked"));
        assert!(!p.join("o.webm").exists(), "{input}: a failed fix leaves no output");
    }
    let good = fixture("chromium-opus-timeslice250.webm");
    for out in ["/nonexistent-dir/o.webm", s(&good)] {
        let r = mediarec(p, &["fix", s(&good), out]);
        assert_eq!(r.status.code(), Some(2), "{out}: {}", text(&r));
        assert!(text(&r).contains("cannot fix"), "{}", text(&r));
    }
    assert_eq!(std::fs::read(&good).unwrap().len(), 16_557, "the input is never overwritten");
}

#[test]
fn inspect_reads_ogg_pages_and_reports_a_cut() {
    let dir = tempfile::tempdir().unwrap();
    let out = mediarec(
        dir.path(),
        &[
            "record",
            "--source",
            "tone:440",
            "--duration",
            "2s",
            "--mime",
            "audio/ogg;codecs=opus",
            "--quiet",
            "a.ogg",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let file = dir.path().join("a.ogg");
    let v = inspect_json(dir.path(), &file);
    assert_eq!(v["container"], "ogg");
    assert_eq!(v["hasEos"], true);
    assert!(v["pages"].as_u64().unwrap() >= 3);
    let t = &v["tracks"][0];
    assert_eq!(t["codec"], "opus");
    assert!(t["preSkip"].as_u64().unwrap() > 0);
    assert!((v["duration"].as_f64().unwrap() - 2.0).abs() < 0.05, "{v}");
    assert_eq!(v["problems"].as_array().unwrap().len(), 0, "{v}");

    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(dir.path().join("cut.ogg"), &bytes[..bytes.len() * 2 / 3]).unwrap();
    let v = inspect_json(dir.path(), &dir.path().join("cut.ogg"));
    let problems: Vec<&str> =
        v["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(problems.iter().any(|p| p.contains("end-of-stream")), "{problems:?}");
    assert_eq!(v["hasEos"], false);
    let text_out = mediarec(dir.path(), &["inspect", "cut.ogg"]);
    assert!(text(&text_out).contains("pre-skip"), "{}", text(&text_out));
}

#[test]
fn inspect_shows_clusters_blocks_and_problems_of_a_webm_file() {
    let dir = tempfile::tempdir().unwrap();
    let v = inspect_json(dir.path(), &fixture("chromium-vp8-opus-timeslice500.webm"));
    assert_eq!(v["docType"], "webm");
    assert_eq!(v["clusters"], 5);
    assert_eq!(v["clustersUnknownSize"], 5);
    assert_eq!(v["blocks"], 98);
    assert_eq!(v["writingApp"], "Chrome");
    assert_eq!(v["tracks"][0]["codec"], "VP8");
    assert_eq!(v["tracks"][1]["codec"], "Opus");
    let text_out =
        mediarec(dir.path(), &["inspect", s(&fixture("chromium-opus-timeslice250.webm"))]);
    let t = text(&text_out);
    assert!(t.contains("seekable    no") && t.contains("clusters    "), "{t}");
}

/// Writes a live (unknown-size) PCM WebM of about `mb` megabytes, cluster by cluster;
/// returns the number of 5 s clusters.
fn write_big_pcm_webm(path: &Path, mb: u64) -> u64 {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    // EBML header (DocType webm), Segment of unknown size, Info, one PCM track.
    let mut head = vec![0x1A, 0x45, 0xDF, 0xA3, 0x87, 0x42, 0x82, 0x84];
    head.extend(b"webm");
    head.extend([0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    head.extend([0x15, 0x49, 0xA9, 0x66, 0x87, 0x2A, 0xD7, 0xB1, 0x83, 0x0F, 0x42, 0x40]);
    let codec = b"A_PCM/INT/LIT";
    let mut entry = vec![0xD7, 0x81, 0x01, 0x83, 0x81, 0x02, 0x86, 0x80 | codec.len() as u8];
    entry.extend(codec);
    let mut audio = vec![0xB5, 0x88];
    audio.extend(48_000f64.to_be_bytes());
    audio.extend([0x9F, 0x81, 0x02, 0x62, 0x64, 0x81, 0x10]);
    entry.extend([0xE1, 0x80 | audio.len() as u8]);
    entry.extend(audio);
    head.extend([
        0x16,
        0x54,
        0xAE,
        0x6B,
        0x80 | (entry.len() as u8 + 2),
        0xAE,
        0x80 | entry.len() as u8,
    ]);
    head.extend(entry);
    f.write_all(&head).unwrap();
    // 100 ms blocks of 16-bit stereo (19 200 bytes), 50 per 5 s cluster.
    let block: Vec<u8> = (0..19_200u32).map(|i| (i * 7) as u8).collect();
    let clusters = mb * 1_000_000 / (50 * 19_200) + 1;
    for c in 0..clusters {
        f.write_all(&[0x1F, 0x43, 0xB6, 0x75, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
            .unwrap();
        f.write_all(&[0xE7, 0x84]).unwrap();
        f.write_all(&((c * 5_000) as u32).to_be_bytes()).unwrap();
        for b in 0..50u16 {
            // SimpleBlock, size 4 + 19 200 as a 3-byte VINT.
            let size = 4 + block.len() as u32;
            f.write_all(&[0xA3, 0x20 | (size >> 16) as u8, (size >> 8) as u8, size as u8]).unwrap();
            f.write_all(&[0x81]).unwrap();
            f.write_all(&(b * 100).to_be_bytes()).unwrap();
            f.write_all(&[0x80]).unwrap();
            f.write_all(&block).unwrap();
        }
    }
    f.flush().unwrap();
    clusters
}

/// Maximum resident set size in KiB of `mediarec args…`, with GNU time.
fn max_rss_kib(dir: &Path, args: &[&str]) -> (u64, Duration) {
    let start = Instant::now();
    let mut cmd = vec!["-v", env!("CARGO_BIN_EXE_mediarec")];
    cmd.extend_from_slice(args);
    let o = match Command::new("/usr/bin/time").args(&cmd).current_dir(dir).output() {
        Ok(o) => o,
        Err(e) => {
            panic!("/usr/bin/time (GNU time) is needed ({e}); `cargo xtask setup` installs it")
        }
    };
    let elapsed = start.elapsed();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{}", text(&o));
    let rss = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .unwrap_or_else(|| panic!("no RSS in GNU time output: {err}"))
        .trim()
        .parse()
        .unwrap();
    (rss, elapsed)
}

#[test]
fn fixing_a_200_mb_file_stays_under_32_mib() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.webm");
    let clusters = write_big_pcm_webm(&big, 210);
    let size = std::fs::metadata(&big).unwrap().len();
    assert!(size > 200_000_000);
    let (rss, took) = max_rss_kib(dir.path(), &["fix", "big.webm", "fixed.webm"]);
    eprintln!("fix: {size} bytes in {took:?}, max RSS {rss} KiB");
    assert!(rss < 32 * 1024, "fix used {rss} KiB");
    let (rss, _) = max_rss_kib(dir.path(), &["inspect", "fixed.webm"]);
    assert!(rss < 32 * 1024, "inspect used {rss} KiB");
    let v = inspect_json(dir.path(), &dir.path().join("fixed.webm"));
    assert_eq!(v["seekable"], true);
    assert_eq!(v["problems"].as_array().unwrap().len(), 0, "{v}");
    let expected = clusters as f64 * 5.0;
    assert!((v["duration"].as_f64().unwrap() - expected).abs() < 0.2, "{v}");
}
