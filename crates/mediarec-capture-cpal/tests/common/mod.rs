//! Shared by the capture tests that need a running sound server.

#![allow(dead_code)]

use std::time::{Duration as StdDuration, Instant};

use mediarec_capture_cpal::{CaptureError, Captured, CpalInput};

/// The variable that turns the device tests on. Set, they must find a device: a missing
/// one fails instead of skipping, so CI cannot pass without really capturing.
pub const GATE: &str = "MEDIAREC_PULSE_TESTS";

/// True when the device tests should run; otherwise says why they do not.
pub fn enabled(test: &str) -> bool {
    let on = std::env::var(GATE).is_ok_and(|v| v == "1");
    if !on {
        eprintln!(
            "{test}: not run: set {GATE}=1 with a PulseAudio server whose default source is a \
             440 Hz sine (cargo xtask capture does both)"
        );
    }
    on
}

/// Reads until `frames` frames arrived or `limit` passed; returns the interleaved samples
/// and every chunk's (frames, timestamp).
pub fn capture(
    mic: &mut CpalInput,
    frames: usize,
    limit: StdDuration,
) -> Result<(Vec<f32>, Vec<Captured>), CaptureError> {
    let channels = usize::from(mic.params().channels);
    let mut all = Vec::with_capacity(frames * channels);
    let mut chunks = Vec::new();
    let mut buf = vec![0f32; 1024 * channels];
    let start = Instant::now();
    let mut got = 0;
    while got < frames && start.elapsed() < limit {
        match mic.read(&mut buf)? {
            Some(c) => {
                all.extend_from_slice(&buf[..c.frames * channels]);
                chunks.push(c);
                got += c.frames;
            }
            None => std::thread::sleep(StdDuration::from_millis(5)),
        }
    }
    Ok((all, chunks))
}

/// The first channel of interleaved samples.
pub fn first_channel(samples: &[f32], channels: usize) -> Vec<f32> {
    samples.iter().step_by(channels.max(1)).copied().collect()
}

/// Frequency from upward zero crossings, interpolated between samples.
pub fn frequency(mono: &[f32], rate: u32) -> f64 {
    let mut crossings = Vec::new();
    for (i, w) in mono.windows(2).enumerate() {
        if w[0] < 0.0 && w[1] >= 0.0 {
            let frac = f64::from(-w[0]) / f64::from(w[1] - w[0]);
            crossings.push(i as f64 + frac);
        }
    }
    match (crossings.first(), crossings.last()) {
        (Some(a), Some(b)) if crossings.len() > 2 => {
            (crossings.len() - 1) as f64 * f64::from(rate) / (b - a)
        }
        _ => 0.0,
    }
}

/// Root mean square.
pub fn rms(x: &[f32]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().map(|v| f64::from(*v) * f64::from(*v)).sum::<f64>() / x.len() as f64).sqrt()
}
