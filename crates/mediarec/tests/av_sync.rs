//! Audio and video stay in sync over ten minutes: a beep and a white flash start together
//! at every whole second; after encoding (Opus, VP8), muxing (WebM) and decoding with
//! ffmpeg, every flash must lie within one video frame of its beep.
#![allow(clippy::unwrap_used, missing_docs)]

use std::process::Command;

use mediarec::StdFormats;
use mediarec_core::{AudioParams, Duration, Instant, TrackId, VideoParams};
use mediarec_recorder::{Output, Recorder, RecorderOptions, TrackDesc, TrackFormat};
use mediarec_source_synth::{AudioSource, Beep, Pattern};

const SECONDS: u64 = 600;
const FPS: u32 = 30;

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed ({e}); `cargo xtask setup` installs it"))
}

/// Records SECONDS of beep + pattern on a virtual clock into a seekable WebM.
fn record(path: &std::path::Path) {
    let (mic, cam) = (TrackId(1), TrackId(2));
    let tracks = [
        TrackDesc {
            id: mic,
            format: TrackFormat::Audio(AudioParams { sample_rate: 48_000, channels: 1 }),
            live: true,
        },
        TrackDesc {
            id: cam,
            format: TrackFormat::Video(VideoParams { width: 160, height: 120, frame_rate: FPS }),
            live: true,
        },
    ];
    let opts = RecorderOptions {
        mime_type: "video/webm;codecs=vp8,opus",
        seekable: true,
        ..Default::default()
    };
    let (mut ring, mut packet) = (vec![0u8; 4 << 20], vec![0u8; 1 << 20]);
    let mut rec =
        Recorder::new(StdFormats::default(), &tracks, &opts, &mut ring, &mut packet).unwrap();
    let mut file: Vec<u8> = Vec::new();
    let mut out = vec![0u8; 64 * 1024];
    let mut drain = |rec: &mut Recorder<'_, StdFormats>, file: &mut Vec<u8>| loop {
        match rec.poll_output(&mut out) {
            Output::Bytes(n) | Output::FileOnly(n) => file.extend_from_slice(&out[..n]),
            Output::Patch { offset, n } => {
                let at = offset as usize;
                if file.len() < at + n {
                    file.resize(at + n, 0);
                }
                file[at..at + n].copy_from_slice(&out[..n]);
            }
            Output::BlobOnly(_) | Output::Event(_) => {}
            Output::Wait(_) => break,
        }
    };
    let mut beep = Beep::new(1000.0, 48_000, 1);
    let mut pattern = Pattern::new(160, 120, FPS);
    let mut picture = vec![0u8; pattern.i420_len().unwrap()];
    let mut samples = vec![0f32; 480];
    let t0 = Instant::from_micros(1_000_000);
    rec.start(t0, None).unwrap();
    for step in 0..SECONDS * 100 {
        let elapsed = Duration::from_millis(step * 10);
        let now = t0 + elapsed;
        while pattern.is_due(elapsed) {
            let frame = pattern.frame_i420(&mut picture).unwrap();
            while rec.handle_video(now, cam, &frame).is_err() {
                drain(&mut rec, &mut file);
            }
            drain(&mut rec, &mut file);
        }
        let timestamp = beep.fill(&mut samples);
        let mut taken = 0;
        while taken < samples.len() {
            let rest = mediarec_core::AudioFrame {
                samples: mediarec_core::Samples::F32(&samples[taken..]),
                channels: 1,
                sample_rate: 48_000,
                timestamp: timestamp + Duration::from_samples(taken as u64, 48_000),
            };
            if let Ok(n) = rec.handle_audio(now, mic, &rest) {
                taken += n;
            }
            drain(&mut rec, &mut file);
        }
    }
    rec.stop(t0 + Duration::from_secs(SECONDS));
    drain(&mut rec, &mut file);
    std::fs::write(path, &file).unwrap();
}

/// Start times (s) of runs where `on` turns true after at least half a second of false.
fn onsets(values: impl Iterator<Item = (f64, bool)>) -> Vec<f64> {
    let mut out = Vec::new();
    let mut last_on = f64::NEG_INFINITY;
    for (t, on) in values {
        if on {
            if t - last_on > 0.5 {
                out.push(t);
            }
            last_on = t;
        }
    }
    out
}

#[test]
fn flash_and_beep_stay_within_one_frame_over_ten_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sync.webm");
    record(&file);
    let f = file.to_str().unwrap();

    // Beeps: where the decoded audio (t = 0 is the first captured sample) gets loud.
    let pcm = tool(
        "ffmpeg",
        &["-v", "error", "-i", f, "-map", "0:a", "-ac", "1", "-ar", "48000", "-f", "s16le", "-"],
    );
    assert!(pcm.status.success(), "{}", String::from_utf8_lossy(&pcm.stderr));
    let samples = pcm.stdout.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]]));
    let beeps =
        onsets(samples.enumerate().map(|(i, s)| (i as f64 / 48_000.0, s.unsigned_abs() > 8_000)));

    // Flashes: frames whose mean luma is near white, at their presentation times.
    let probe = tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            &format!("movie={f},signalstats"),
            "-show_entries",
            "frame=pts_time:frame_tags=lavfi.signalstats.YAVG",
            "-of",
            "csv=p=0",
        ],
    );
    assert!(probe.status.success(), "{}", String::from_utf8_lossy(&probe.stderr));
    let text = String::from_utf8_lossy(&probe.stdout);
    let frames = text.lines().filter_map(|l| {
        let mut it = l.split(',');
        let t: f64 = it.next()?.parse().ok()?;
        let y: f64 = it.next()?.parse().ok()?;
        Some((t, y > 200.0))
    });
    let flashes = onsets(frames);

    assert!(beeps.len() >= SECONDS as usize - 1, "{} beeps", beeps.len());
    assert_eq!(flashes.len(), beeps.len(), "one flash per beep");
    let frame = 1.0 / f64::from(FPS);
    let mut worst: f64 = 0.0;
    for (flash, beep) in flashes.iter().zip(&beeps) {
        let drift = flash - beep;
        worst = worst.max(drift.abs());
        assert!(drift.abs() < frame, "flash at {flash:.4} s, beep at {beep:.4} s");
    }
    let last = (flashes.last().unwrap(), beeps.last().unwrap());
    assert!(*last.0 > SECONDS as f64 - 2.0, "the last second was checked: {last:?}");
    eprintln!("worst A/V offset over {SECONDS} s: {:.1} ms", worst * 1000.0);
}
