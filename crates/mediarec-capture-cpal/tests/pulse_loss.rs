//! Losing the device mid-capture: the PulseAudio server is killed while cpal reads from it,
//! and the reader must report the loss (after the audio captured before it).
//!
//! This kills the server the other device tests use, so it has a second gate,
//! `MEDIAREC_PULSE_KILL_TESTS=1`, and `cargo xtask capture` runs it last, on its own.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::{Duration as StdDuration, Instant};

use common::{capture, enabled, first_channel, frequency};
use mediarec_capture_cpal::{CaptureError, Constraints, CpalInput};

#[test]
fn killing_the_server_ends_the_capture_with_an_error() {
    if !enabled("killing_the_server_ends_the_capture_with_an_error") {
        return;
    }
    if !std::env::var("MEDIAREC_PULSE_KILL_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("not run: it kills the PulseAudio server; set MEDIAREC_PULSE_KILL_TESTS=1 too");
        return;
    }
    let mut mic =
        CpalInput::open(None, &Constraints { channel_count: Some(1), ..Default::default() })
            .unwrap();
    let rate = mic.params().sample_rate;
    let (samples, _) = capture(&mut mic, rate as usize / 2, StdDuration::from_secs(5)).unwrap();
    assert!((frequency(&first_channel(&samples, 1), rate) - 440.0).abs() < 3.0);

    let kill = Command::new("pulseaudio").arg("--kill").status().unwrap();
    assert!(kill.success(), "pulseaudio --kill: {kill}");
    let killed = Instant::now();

    let mut buf = vec![0f32; 4096];
    let mut after = 0usize;
    let err = loop {
        assert!(killed.elapsed() < StdDuration::from_secs(15), "no failure 15 s after the kill");
        match mic.read(&mut buf) {
            Ok(Some(c)) => after += c.frames,
            Ok(None) => std::thread::sleep(StdDuration::from_millis(10)),
            Err(e) => break e,
        }
    };
    eprintln!(
        "failed {} ms after the kill ({after} frames read in between): {err}; {:?}",
        killed.elapsed().as_millis(),
        mic.stats()
    );
    assert!(matches!(err, CaptureError::DeviceLost(_) | CaptureError::Stalled(_)), "{err:?}");
    assert_eq!(err.dom_name(), mediarec_core::DomErrorName::Unknown);
    // The failure is final.
    assert!(mic.read(&mut buf).is_err());
}
