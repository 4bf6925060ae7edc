//! Real capture through cpal from a PulseAudio server whose default source is a 440 Hz sine
//! of amplitude 0.5 (`module-sine-source`). Run by `cargo xtask capture` (and CI), which
//! starts such a server and sets `MEDIAREC_PULSE_TESTS=1`.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration as StdDuration;

use common::{capture, enabled, first_channel, frequency, rms};
use mediarec_capture_cpal::{Constraints, CpalInput, SampleFormat, devices};
use mediarec_core::Duration;

#[test]
fn lists_the_server_with_stable_ids_and_capabilities() {
    if !enabled("lists_the_server_with_stable_ids_and_capabilities") {
        return;
    }
    let list = devices().unwrap();
    assert!(!list.is_empty(), "no input device listed");
    for d in &list {
        eprintln!("{} {:<24} {} (group {})", d.device_id, d.backend_id, d.label, d.group_id);
        assert_eq!(d.kind, "audioinput");
        assert_eq!(d.device_id.len(), 16);
        assert!(!d.label.is_empty());
    }
    assert!(list[0].is_default, "the default input is listed first");
    assert!(
        list.iter().any(|d| d.backend_id.ends_with(":pulse") || d.label.contains("PulseAudio")),
        "the PulseAudio device is listed"
    );
    let again = devices().unwrap();
    let ids = |l: &[mediarec_capture_cpal::DeviceInfo]| {
        l.iter().map(|d| (d.device_id.clone(), d.group_id.clone())).collect::<Vec<_>>()
    };
    assert_eq!(ids(&list), ids(&again), "ids are stable");
    let caps = list[0].capabilities().unwrap();
    let (lo, hi) = caps.sample_rate().unwrap();
    assert!(lo <= 48_000 && 48_000 <= hi, "48 kHz within {lo}..{hi}");
    assert!(caps.channel_count().is_some());
    assert!(!caps.sample_formats().is_empty());
}

#[test]
fn records_two_seconds_of_the_440_hz_sine() {
    if !enabled("records_two_seconds_of_the_440_hz_sine") {
        return;
    }
    let wanted =
        Constraints { sample_rate: Some(48_000), channel_count: Some(1), ..Default::default() };
    let mut mic = CpalInput::open(None, &wanted).unwrap();
    let s = mic.settings();
    eprintln!("opened '{}' with {s:?}", mic.label());
    assert_eq!((s.sample_rate, s.channel_count), (48_000, 1));
    let rate = s.sample_rate;
    let (samples, chunks) =
        capture(&mut mic, 2 * rate as usize, StdDuration::from_secs(8)).unwrap();
    let mono = first_channel(&samples, 1);
    let seconds = mono.len() as f64 / f64::from(rate);
    let (hz, level) = (frequency(&mono, rate), rms(&mono));
    let stats = mic.stats();
    eprintln!("{seconds:.3} s, {hz:.2} Hz, RMS {level:.4}, {} chunks, {stats:?}", chunks.len());
    assert!(seconds >= 2.0, "only {seconds} s of audio within 8 s");
    assert!((hz - 440.0).abs() < 2.0, "dominant frequency {hz} Hz");
    assert!((level - 0.3535).abs() < 0.05, "RMS {level}");
    // The timeline runs forward: each chunk starts where the previous one ended, or later
    // when frames were lost on the way (dropped from a full ring, or a capture-clock jump).
    // The test source delivers its first second or two as a burst, which can overflow the
    // ring; that must show up as counted drops, never as time running backwards.
    let mut jumps = 0;
    for w in chunks.windows(2) {
        let end = w[0].timestamp + Duration::from_samples(w[0].frames as u64, rate);
        assert!(w[1].timestamp.as_micros() + 21 >= end.as_micros(), "time ran backwards");
        if w[1].timestamp.as_micros() > end.as_micros() + 21 {
            jumps += 1;
        }
    }
    assert!(jumps <= stats.overflows + stats.discontinuities, "{jumps} unexplained jumps");
    assert_eq!(stats.dropped_frames == 0, stats.overflows == 0);
}

#[test]
fn negotiates_rate_channels_and_sample_size() {
    if !enabled("negotiates_rate_channels_and_sample_size") {
        return;
    }
    let wanted = Constraints {
        sample_rate: Some(16_000),
        channel_count: Some(2),
        sample_size: Some(16),
        latency: Some(Duration::from_millis(20)),
    };
    let mut mic = CpalInput::open(Some("pulse"), &wanted).unwrap();
    let s = mic.settings();
    eprintln!("opened '{}' with {s:?}", mic.label());
    assert_eq!((s.sample_rate, s.channel_count, s.sample_size), (16_000, 2, 16));
    assert_eq!(s.sample_format, SampleFormat::I16);
    let (samples, _) = capture(&mut mic, 8_000, StdDuration::from_secs(6)).unwrap();
    assert!(samples.len() >= 16_000);
    let left = first_channel(&samples, 2);
    let right: Vec<f32> = samples.iter().skip(1).step_by(2).copied().collect();
    let hz = frequency(&left, 16_000);
    assert!((hz - 440.0).abs() < 3.0, "dominant frequency {hz} Hz");
    assert!((rms(&right) - 0.3535).abs() < 0.05, "both channels carry the tone");
}

#[test]
fn unknown_devices_are_not_found() {
    if !enabled("unknown_devices_are_not_found") {
        return;
    }
    let err =
        CpalInput::open(Some("no such microphone 1234"), &Constraints::default()).unwrap_err();
    assert_eq!(err.dom_name(), mediarec_core::DomErrorName::NotFound);
}
