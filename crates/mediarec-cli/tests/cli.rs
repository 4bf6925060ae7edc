//! The command-line contract: exit statuses, messages, events, chunks and control.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

fn fails_with(args: &[&str], status: i32, words: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = mediarec(dir.path(), args);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(status), "{args:?}: {t}");
    assert!(!t.contains("panicked") && !t.contains("RUST_BACKTRACE"), "{t}");
    for w in words {
        assert!(t.contains(w), "{args:?} should mention {w}: {t}");
    }
}

#[test]
fn bad_input_exits_2_with_the_spec_error_name() {
    fails_with(&["record", "--mime", "audio/ogg;codecs=vp8", "x.ogg"], 2, &["NotSupportedError"]);
    fails_with(&["record", "--mime", "video/mp4", "x.mp4"], 2, &["NotSupportedError"]);
    fails_with(
        &["record", "--keyframe-interval-ms", "1000", "--keyframe-interval-frames", "30", "x.webm"],
        2,
        &["NotSupportedError"],
    );
    fails_with(&["record", "--source", "bogus", "x.webm"], 2, &["unknown source"]);
    fails_with(&["record", "--timeslice", "-5", "x.webm"], 2, &["timeslice"]);
    fails_with(&["record", "--duration", "five", "x.webm"], 2, &["duration"]);
    fails_with(&["record", "/nonexistent-dir/x.webm"], 2, &["cannot write"]);
    fails_with(&["inspect", "/nonexistent-file"], 2, &["cannot read"]);
}

#[test]
fn inspect_rejects_garbage_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.webm"), b"definitely not media").unwrap();
    let out = mediarec(dir.path(), &["inspect", "g.webm"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // A WebM header followed by garbage is reported, not a crash.
    let mut bytes = vec![0x1A, 0x45, 0xDF, 0xA3, 0x84, 0x42, 0x82, 0x81];
    bytes.extend_from_slice(&[0xFF; 64]);
    std::fs::write(dir.path().join("h.webm"), &bytes).unwrap();
    let out = mediarec(dir.path(), &["inspect", "h.webm", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("problems"));
}

#[test]
fn types_lists_and_checks_like_is_type_supported() {
    let dir = tempfile::tempdir().unwrap();
    let out = mediarec(dir.path(), &["types"]);
    assert!(out.status.success());
    let listed = text(&out);
    for t in listed.lines() {
        let check = mediarec(dir.path(), &["types", t]);
        assert!(check.status.success(), "{t} listed but not supported");
    }
    assert!(listed.contains("audio/webm;codecs=opus"));
    let out = mediarec(dir.path(), &["types", "audio/webm;codecs=opus", "audio/ogg;codecs=vp8"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("audio/ogg;codecs=vp8: not supported"));
}

#[test]
fn devices_lists_the_synthetic_sources_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = mediarec(dir.path(), &["devices", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert!(list.iter().any(|d| d["deviceId"] == "synthetic:tone"));
    for d in list {
        for k in ["kind", "deviceId", "label", "groupId"] {
            assert!(d[k].is_string(), "{k} missing in {d}");
        }
    }
}

/// The scripted run of the recorder issue: control on stdin, events as JSON lines, chunks
/// and a seekable file, with 1.5 s of pause removed from the media.
#[test]
fn scripted_control_run_gives_the_spec_event_order_and_removes_paused_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mediarec"))
        .args(["record", "--source", "tone:440", "--timeslice", "1000", "--control", "stdin"])
        .args(["--events", "ev.jsonl", "--chunks", "ch", "out.webm"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for (wait, cmd) in [
        (2.8, "request-data"),
        (0.5, "pause"),
        (1.0, "request-data"),
        (0.5, "resume"),
        (2.0, "stop"),
    ] {
        std::thread::sleep(Duration::from_secs_f64(wait));
        writeln!(stdin, "{cmd}").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let events: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join("ev.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types.first(), Some(&"start"));
    assert_eq!(types.last(), Some(&"stop"));
    assert_eq!(types[types.len() - 2], "dataavailable");
    let pause = types.iter().position(|t| *t == "pause").unwrap();
    let resume = types.iter().position(|t| *t == "resume").unwrap();
    assert!(pause < resume);
    assert!(types[1..pause].contains(&"dataavailable"));
    assert!(types[resume..].contains(&"dataavailable"));
    assert!(
        types.iter().all(|t| ["start", "dataavailable", "pause", "resume", "stop"].contains(t))
    );
    let timecodes: Vec<f64> = events.iter().filter_map(|e| e["timecode"].as_f64()).collect();
    assert_eq!(timecodes[0], 0.0);
    assert!(timecodes.windows(2).all(|w| w[0] <= w[1]), "{timecodes:?}");

    // Recording time is wall time from start to stop minus the paused span: the script
    // records 2.8 + 0.5 + 2.0 = 5.3 s and pauses 1.5 s.
    let wall = |t: &str| {
        events.iter().find(|e| e["type"] == t).unwrap()["wall_ms"].as_f64().unwrap() / 1000.0
    };
    let paused = wall("resume") - wall("pause");
    let recorded = wall("stop") - wall("start") - paused;
    assert!((paused - 1.5).abs() < 0.3, "paused {paused} s");
    let file = dir.path().join("out.webm");
    ffmpeg_decodes(&file);
    let seconds = decoded_seconds(&file);
    assert!(
        (seconds - recorded).abs() < 0.2,
        "the file holds {seconds} s, recording lasted {recorded} s"
    );
    assert!((seconds - 5.3).abs() < 0.35, "the file holds {seconds} s");
    let info = text(&tool("mkvinfo", &["-a", file.to_str().unwrap()]));
    assert!(info.contains("Duration") && info.contains("Cues"), "{info}");

    let mut chunks: Vec<_> =
        std::fs::read_dir(dir.path().join("ch")).unwrap().map(|e| e.unwrap().path()).collect();
    chunks.sort();
    assert_eq!(chunks.len(), timecodes.len());
    let joined = dir.path().join("joined.webm");
    let all: Vec<u8> = chunks.iter().flat_map(|c| std::fs::read(c).unwrap()).collect();
    std::fs::write(&joined, all).unwrap();
    ffmpeg_decodes(&joined);
    let joined_seconds = decoded_seconds(&joined);
    assert!(
        (joined_seconds - seconds).abs() < 0.001,
        "chunks {joined_seconds} s vs file {seconds} s"
    );
    for c in &chunks[1..] {
        let b = std::fs::read(c).unwrap();
        if !b.is_empty() {
            assert_eq!(
                &b[..4],
                &[0x1F, 0x43, 0xB6, 0x75],
                "{} does not start with a Cluster",
                c.display()
            );
        }
    }
}

/// Ctrl-C and SIGTERM finish the file: it is seekable and holds what was recorded.
#[test]
fn sigint_and_sigterm_finish_a_seekable_file() {
    for signal in ["-INT", "-TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_mediarec"))
            .args(["record", "--quiet", "out.webm"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(2500));
        let kill = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{signal}: exit {:?}", out.status);
        let file = dir.path().join("out.webm");
        ffmpeg_decodes(&file);
        let seconds = decoded_seconds(&file);
        assert!((seconds - 2.5).abs() < 0.4, "{signal}: {seconds} s");
        let info = text(&tool("mkvinfo", &["-a", file.to_str().unwrap()]));
        assert!(info.contains("Duration") && info.contains("Cues"), "{signal}: {info}");
    }
}

#[test]
fn constraints_select_the_device_and_fail_with_the_spec_errors() {
    fails_with(
        &["record", "--constraints", r#"{"audio":{"channelCount":{"exact":64}}}"#, "x.webm"],
        2,
        &["OverconstrainedError", "channelCount"],
    );
    fails_with(
        &[
            "record",
            "--constraints",
            r#"{"audio":{"deviceId":{"exact":"no-such-device"}}}"#,
            "x.webm",
        ],
        2,
        &["OverconstrainedError", "deviceId"],
    );
    fails_with(&["record", "--constraints", "{}", "x.webm"], 2, &["TypeError"]);
    fails_with(&["record", "--constraints", "[not json", "x.webm"], 2, &["TypeError"]);
    let dir = tempfile::tempdir().unwrap();
    let c = r#"{"audio":{"channelCount":{"exact":1},"sampleRate":{"ideal":16000}}}"#;
    let out = mediarec(
        dir.path(),
        &["record", "--constraints", c, "--duration", "1s", "--quiet", "mono.webm"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let file = dir.path().join("mono.webm");
    ffmpeg_decodes(&file);
    assert_eq!(ffprobe(&file, "stream=channels"), "1");
    let noise = mediarec(
        dir.path(),
        &[
            "record",
            "--constraints",
            r#"{"audio":{"deviceId":{"exact":"synthetic:noise"}}}"#,
            "--duration",
            "1s",
            "--quiet",
            "n.webm",
        ],
    );
    assert!(noise.status.success(), "{}", text(&noise));
}

/// On a terminal (tmux): the status line shows the elapsed time and a level meter; space
/// shows "paused" and space again resumes; q exits with status 0 and the file is seekable
/// and holds the tone.
#[test]
fn keys_on_a_terminal_pause_resume_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let socket = format!("mediarec-test-{}", std::process::id());
    let tmux = |args: &[&str]| {
        let mut all = vec!["-L", socket.as_str()];
        all.extend_from_slice(args);
        tool("tmux", &all)
    };
    let script = format!(
        "cd {} && {} record --source tone:440 out.webm; echo $? > exit.txt; sleep 30",
        dir.path().display(),
        env!("CARGO_BIN_EXE_mediarec")
    );
    assert!(
        tmux(&["new-session", "-d", "-s", "rec", "-x", "180", "-y", "10", &script])
            .status
            .success()
    );
    let screen =
        || String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", "rec"]).stdout).to_string();
    let wait_for = |what: &str| {
        for _ in 0..50 {
            if screen().contains(what) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    };
    let result = std::panic::catch_unwind(|| {
        assert!(wait_for("recording"), "{}", screen());
        std::thread::sleep(Duration::from_millis(1200));
        let s = screen();
        assert!(s.contains("dB") && s.contains('█'), "no level meter: {s}");
        assert!(s.contains("1.") || s.contains("2."), "no elapsed time: {s}");
        tmux(&["send-keys", "-t", "rec", " "]);
        assert!(wait_for("paused"), "{}", screen());
        std::thread::sleep(Duration::from_millis(800));
        tmux(&["send-keys", "-t", "rec", " "]);
        assert!(wait_for("recording"), "{}", screen());
        std::thread::sleep(Duration::from_millis(800));
        tmux(&["send-keys", "-t", "rec", "q"]);
        let exit = dir.path().join("exit.txt");
        for _ in 0..100 {
            if exit.exists() && !std::fs::read_to_string(&exit).unwrap().is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(std::fs::read_to_string(&exit).unwrap().trim(), "0");
    });
    tmux(&["kill-server"]);
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
    let file = dir.path().join("out.webm");
    ffmpeg_decodes(&file);
    let info = text(&tool("mkvinfo", &["-a", file.to_str().unwrap()]));
    assert!(info.contains("Duration") && info.contains("Cues"), "{info}");
    // The tone: count zero crossings of the decoded audio.
    let d = tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            file.to_str().unwrap(),
            "-ac",
            "1",
            "-ar",
            "48000",
            "-f",
            "s16le",
            "-",
        ],
    );
    let s: Vec<i16> = d.stdout.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect();
    let rising = s.windows(2).filter(|w| w[0] < 0 && w[1] >= 0).count() as f64;
    let hz = rising / (s.len() as f64 / 48_000.0);
    assert!((hz - 440.0).abs() < 5.0, "{hz} Hz");
}

#[test]
fn a_non_media_file_as_a_source_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not audio").unwrap();
    let out = mediarec(dir.path(), &["record", "--source", "file:notes.txt", "x.webm"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("NotReadableError") && !text(&out).contains("panicked"));
    fails_with(&["fix", "/nonexistent-file", "out.webm"], 2, &[]);
    std::fs::write(dir.path().join("g.webm"), b"garbage garbage garbage").unwrap();
    let out = mediarec(dir.path(), &["fix", "g.webm", "o.webm"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}
