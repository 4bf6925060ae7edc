//! Helpers for running the `mediarec` binary and the external oracles.
#![allow(dead_code, clippy::unwrap_used, missing_docs)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `mediarec` with `args` in `dir`.
pub fn mediarec(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mediarec"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Runs an oracle tool; a missing tool fails the test (never a silent skip).
pub fn tool(name: &str, args: &[&str]) -> Output {
    match Command::new(name).args(args).output() {
        Ok(o) => o,
        Err(e) => panic!(
            "{name} is needed by this test and could not run ({e}); `cargo xtask setup` installs it"
        ),
    }
}

pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Decodes `file` fully with ffmpeg; panics with ffmpeg's words on any error.
pub fn ffmpeg_decodes(file: &Path) {
    let o = tool("ffmpeg", &["-v", "error", "-i", file.to_str().unwrap(), "-f", "null", "-"]);
    assert!(
        o.status.success() && o.stderr.is_empty(),
        "ffmpeg rejected {}: {}",
        file.display(),
        text(&o)
    );
}

/// ffprobe's value of `entry` (e.g. `format=duration`) for `file`.
pub fn ffprobe(file: &Path, entry: &str) -> String {
    let o = tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_entries",
            entry,
            "-of",
            "default=nw=1:nk=1",
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "ffprobe rejected {}: {}", file.display(), text(&o));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Decoded audio length in seconds (what a player would play).
pub fn decoded_seconds(file: &Path) -> f64 {
    let o = tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-count_packets",
            "-show_entries",
            "stream=duration_ts,sample_rate",
            "-of",
            "csv=p=0",
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    // Decode to raw samples and count them: exact regardless of container metadata.
    let d = tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            file.to_str().unwrap(),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            "48000",
            "-",
        ],
    );
    assert!(d.status.success(), "{}", text(&d));
    d.stdout.len() as f64 / 2.0 / 48_000.0
}
