//! Events reach the application through handlers, the channel, or an async stream, in the
//! spec's order, with the blobs' bytes when asked for.
#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::{Arc, Mutex};

use mediarec::{Destination, Event, MediaRecorder, MediaRecorderOptions, MediaStream, SynthInput};
use mediarec_core::Duration;
use mediarec_source_synth::Tone;

fn recorder(keep_blobs: bool) -> MediaRecorder {
    let stream = MediaStream::with_audio(SynthInput::new(Tone::new(440.0, 48_000, 1), "tone"));
    let options = MediaRecorderOptions {
        mime_type: "audio/webm;codecs=opus".into(),
        max_duration: Some(Duration::from_millis(600)),
        keep_blobs,
        ..Default::default()
    };
    MediaRecorder::new(stream, options, Destination::None).unwrap()
}

#[test]
fn handlers_take_their_events_and_blobs_carry_bytes() {
    let rec = recorder(true);
    let blobs = Arc::new(Mutex::new(Vec::new()));
    let b = Arc::clone(&blobs);
    rec.on_dataavailable(move |e| {
        if let Event::DataAvailable { data, size, .. } = e {
            assert_eq!(data.len() as u64, *size);
            b.lock().unwrap().push(data.clone());
        }
    });
    rec.start(Some(200)).unwrap();
    let rest: Vec<&'static str> =
        rec.events().iter().map(|e| e.name()).take_while(|n| *n != "stop").collect();
    assert_eq!(rest, ["start"], "dataavailable went to the handler, not the channel");
    let all: Vec<u8> = blobs.lock().unwrap().concat();
    assert!(blobs.lock().unwrap().len() >= 3, "timeslice blobs");
    assert_eq!(&all[..4], &[0x1A, 0x45, 0xDF, 0xA3], "the blobs form a WebM file");
    rec.close().unwrap();
}

#[test]
fn without_handlers_events_queue_in_order_and_sizes_add_up() {
    let rec = recorder(false);
    rec.start(None).unwrap();
    let events: Vec<Event> =
        rec.events().iter().take_while(|e| !matches!(e, Event::Stop)).collect();
    let names: Vec<&str> = events.iter().map(Event::name).collect();
    assert_eq!(names, ["start", "dataavailable"]);
    let Event::DataAvailable { data, size, timecode } = &events[1] else { unreachable!() };
    assert!(data.is_empty() && *size > 1000 && *timecode == 0.0);
    let summary = rec.close().unwrap();
    assert_eq!(summary.media_time, Duration::from_millis(600));
}

#[cfg(feature = "async")]
#[test]
fn the_async_stream_yields_the_same_events() {
    use futures::StreamExt;
    let rec = recorder(false);
    rec.start(Some(200)).unwrap();
    let names = futures::executor::block_on(async {
        let mut names = Vec::new();
        let mut s = rec.event_stream();
        while let Some(e) = s.next().await {
            names.push(e.name());
            if e.name() == "stop" {
                break;
            }
        }
        names
    });
    assert_eq!(names.first(), Some(&"start"));
    assert_eq!(names.last(), Some(&"stop"));
    assert!(names.iter().filter(|n| **n == "dataavailable").count() >= 3);
}

/// `enabled = false` on the audio track: the recording goes on, and records silence.
#[test]
fn a_disabled_track_records_silence() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("muted.webm");
    let stream = MediaStream::with_audio(SynthInput::new(Tone::new(440.0, 48_000, 1), "tone"));
    let options = MediaRecorderOptions {
        mime_type: "audio/webm;codecs=pcm".into(),
        max_duration: Some(Duration::from_millis(400)),
        ..Default::default()
    };
    let rec =
        MediaRecorder::new(stream, options, mediarec::Destination::file(&path).unwrap()).unwrap();
    rec.set_track_enabled(mediarec_core::MediaKind::Audio, 0, false).unwrap();
    assert!(
        rec.set_track_enabled(mediarec_core::MediaKind::Video, 0, false).is_err(),
        "no video track"
    );
    rec.start(None).unwrap();
    let names: Vec<&str> =
        rec.events().iter().map(|e| e.name()).take_while(|n| *n != "stop").collect();
    assert_eq!(names, ["start", "dataavailable"], "the recording went on");
    rec.close().unwrap();
    let pcm = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-i", path.to_str().unwrap(), "-f", "s16le", "-"])
        .output()
        .expect("ffmpeg is needed; `cargo xtask setup` installs it");
    assert!(pcm.status.success());
    assert_eq!(pcm.stdout.len(), 400 * 48 * 2, "400 ms of mono 16-bit samples");
    assert!(pcm.stdout.iter().all(|b| *b == 0), "silence");
}
