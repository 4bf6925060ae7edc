//! One test per step and exception of the MediaStream Recording spec (spec digest section A),
//! named after the step it checks.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::*;
use mediarec_core::{
    BitrateMode, DomErrorName, Duration, ErrorKind, Instant, PixelFormat, VideoFrame,
};
use mediarec_recorder::*;

fn opts(mime: &str) -> RecorderOptions<'_> {
    RecorderOptions { mime_type: mime, ..Default::default() }
}

// ---- A.3 constructor ----------------------------------------------------------------

#[test]
fn ctor_step3_unsupported_type_throws_not_supported() {
    for ty in
        ["audio/ogg;codecs=vp8", "audio/mpeg", "not a type", "audio/webm;codecs=\"opus,opus\""]
    {
        let e = Harness::new(&[mic()], opts(ty)).err().unwrap();
        assert_eq!(e.dom_name(), DomErrorName::NotSupported, "{ty}");
    }
}

#[test]
fn ctor_both_key_frame_options_throw_not_supported() {
    let o = RecorderOptions {
        video_key_frame_interval_duration: Some(1000.0),
        video_key_frame_interval_count: Some(30),
        ..opts("video/webm")
    };
    assert_eq!(Harness::new(&[cam()], o).err().unwrap().dom_name(), DomErrorName::NotSupported);
}

#[test]
fn ctor_step10_mime_type_is_the_constrained_value_verbatim() {
    for ty in ["", "video/webm; codecs=\"vp8, opus\"", "AUDIO/WEBM;codecs=opus"] {
        let h = Harness::new(&[mic()], opts(ty)).unwrap();
        assert_eq!(h.rec.mime_type(), ty);
    }
}

#[test]
fn ctor_step11_to_15_state_bitrates_and_mode() {
    let h = Harness::new(
        &[mic()],
        RecorderOptions { audio_bitrate_mode: BitrateMode::Constant, ..opts("") },
    )
    .unwrap();
    assert_eq!(h.rec.state(), RecordingState::Inactive);
    assert!(h.rec.audio_bits_per_second() > 0 && h.rec.video_bits_per_second() > 0);
    assert_eq!(h.rec.audio_bitrate_mode(), BitrateMode::Constant);
    let h = Harness::new(&[mic()], RecorderOptions { audio_bits_per_second: Some(0), ..opts("") })
        .unwrap();
    assert_eq!(h.rec.audio_bits_per_second(), 0);
}

#[test]
fn ctor_accepts_an_empty_or_inactive_stream() {
    assert!(Harness::new(&[], opts("")).is_ok());
    assert!(Harness::new(&[TrackDesc { live: false, ..mic() }], opts("")).is_ok());
}

#[test]
fn ctor_defers_codecs_it_cannot_check_synchronously() {
    // "vorbis" is not in the spec's synchronously exposed list: the constructor accepts,
    // isTypeSupported says no, and start() fails later with an error event.
    assert!(Harness::new(&[mic()], opts("audio/webm;codecs=vorbis")).is_ok());
    assert!(!is_type_supported(&TestFormats::default(), "audio/webm;codecs=vorbis"));
}

// ---- A.5 start() ------------------------------------------------------------------------

#[test]
fn start_step5_throws_invalid_state_unless_inactive() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    assert_eq!(h.rec.start(h.now, None).unwrap_err().dom_name(), DomErrorName::InvalidState);
    h.rec.pause(h.now).unwrap();
    assert_eq!(h.rec.start(h.now, None).unwrap_err().dom_name(), DomErrorName::InvalidState);
}

#[test]
fn start_step7_inactive_stream_throws_not_supported() {
    let mut h = Harness::new(&[], opts("")).unwrap();
    assert_eq!(h.rec.start(h.now, None).unwrap_err().dom_name(), DomErrorName::NotSupported);
    let mut h = Harness::new(&[TrackDesc { live: false, ..mic() }], opts("")).unwrap();
    assert_eq!(h.rec.start(h.now, None).unwrap_err().dom_name(), DomErrorName::NotSupported);
    assert_eq!(h.rec.state(), RecordingState::Inactive);
    h.drain();
    assert!(h.events.is_empty());
}

#[test]
fn start_step14_video_track_with_audio_only_type_throws_not_supported() {
    let mut h = Harness::new(&[mic(), cam()], opts("audio/webm")).unwrap();
    assert_eq!(h.rec.start(h.now, None).unwrap_err().dom_name(), DomErrorName::NotSupported);
    let mut h = Harness::new(&[cam()], opts("audio/ogg")).unwrap();
    assert_eq!(h.rec.start(h.now, None).unwrap_err().dom_name(), DomErrorName::NotSupported);
}

#[test]
fn start_step15_state_is_recording_synchronously_and_mime_type_completes_in_the_start_task() {
    let mut h = Harness::new(&[mic()], opts("")).unwrap();
    h.rec.start(h.now, None).unwrap();
    assert_eq!(h.rec.state(), RecordingState::Recording);
    assert_eq!(h.rec.mime_type(), "", "unchanged synchronously after start()");
    h.drain();
    assert_eq!(h.events, [RecorderEvent::Start]);
    assert_eq!(h.mime_at[0], "audio/webm;codecs=opus");
}

#[test]
fn start_step15_default_types_have_the_shapes_wpt_expects() {
    let cases: [(&[TrackDesc], &str); 3] = [
        (&[mic()], "audio/webm;codecs=opus"),
        (&[cam()], "video/webm;codecs=vp8"),
        (&[mic(), cam()], "video/webm;codecs=vp8,opus"),
    ];
    for (tracks, want) in cases {
        let mut h = Harness::new(tracks, opts("")).unwrap();
        h.rec.start(h.now, None).unwrap();
        h.drain();
        assert_eq!(h.mime_at[0], want);
    }
}

#[test]
fn start_step15_2_deferred_unsupported_codec_gives_error_then_stop_without_start() {
    let mut h = Harness::new(&[mic()], opts("audio/webm;codecs=vorbis")).unwrap();
    h.rec.start(h.now, None).unwrap();
    h.drain();
    assert_eq!(h.events, [RecorderEvent::Error(DomErrorName::NotSupported), RecorderEvent::Stop]);
    assert_eq!(h.state_at[0], RecordingState::Inactive);
    assert_eq!(h.rec.state(), RecordingState::Inactive);
}

#[test]
fn start_then_stop_gives_start_dataavailable_stop() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.audio(200);
    h.rec.stop(h.now);
    assert_eq!(h.rec.state(), RecordingState::Inactive);
    h.drain();
    assert_eq!(h.names(), ["start", "dataavailable", "stop"]);
    let packets = h.packets();
    assert_eq!(packets.len(), 20);
    assert_eq!(h.blobs[0][0], b'H');
}

#[test]
fn start_and_stop_in_the_same_task_still_fire_start_first() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.rec.stop(h.now);
    h.drain();
    assert_eq!(h.names(), ["start", "dataavailable", "stop"]);
    assert_eq!(h.mime_at[0], "audio/webm", "mimeType is not extended once inactive");
}

#[test]
fn start_step15_7_timeslice_cuts_blobs_at_element_boundaries() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, Some(100)).unwrap();
    assert_eq!(h.drain(), Some(h.now + Duration::from_millis(100)));
    h.audio(1000);
    h.rec.stop(h.now);
    h.drain();
    let n = h.names().iter().filter(|n| **n == "dataavailable").count();
    assert!((10..=11).contains(&n), "{n} blobs");
    assert!(h.blobs.iter().all(|b| starts_on_element(b)));
    assert_eq!(h.packets().len(), 100);
}

#[test]
fn start_step15_8_all_tracks_ended_stops_without_error() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.audio(100);
    h.rec.handle_track(h.now, TrackChange::Ended(MIC));
    h.drain();
    assert_eq!(h.names(), ["start", "dataavailable", "stop"]);
    assert_eq!(h.rec.state(), RecordingState::Inactive);
    // A spontaneous stop leaves nothing for stop() to do.
    h.rec.stop(h.now);
    h.drain();
    assert_eq!(h.events.len(), 3);
}

#[test]
fn start_step15_8_one_of_two_tracks_ending_keeps_recording() {
    let mut h = Harness::new(&[mic(), cam()], opts("")).unwrap();
    h.rec.start(h.now, None).unwrap();
    h.rec.handle_track(h.now, TrackChange::Ended(CAM));
    h.drain();
    assert_eq!(h.rec.state(), RecordingState::Recording);
    h.audio(40);
    h.rec.handle_track(h.now, TrackChange::Ended(MIC));
    h.drain();
    assert_eq!(h.names(), ["start", "dataavailable", "stop"]);
}

#[test]
fn start_step15_5_track_set_change_is_fatal_invalid_modification() {
    for change in [TrackChange::Added(cam()), TrackChange::Removed(MIC)] {
        let mut h = Harness::audio_only();
        h.rec.start(h.now, None).unwrap();
        h.audio(100);
        h.rec.handle_track(h.now, change);
        h.drain();
        assert_eq!(h.names(), ["start", "error", "dataavailable", "stop"]);
        assert_eq!(h.events[1], RecorderEvent::Error(DomErrorName::InvalidModification));
        assert_eq!(h.state_at[1], RecordingState::Inactive, "inactive inside the error handler");
        assert_eq!(h.packets().len(), 10, "everything gathered is delivered");
    }
}

#[test]
fn track_changes_while_inactive_are_harmless() {
    let mut h = Harness::new(&[], opts("")).unwrap();
    h.rec.handle_track(h.now, TrackChange::Added(mic()));
    h.drain();
    assert!(h.events.is_empty());
    h.rec.start(h.now, None).unwrap();
    h.drain();
    assert_eq!(h.names(), ["start"]);
}

#[test]
fn start_step15_6_other_failures_give_unknown_error_data_and_stop() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.audio(60);
    h.rec.handle_failure(h.now, ErrorKind::Io);
    h.drain();
    assert_eq!(h.names(), ["start", "error", "dataavailable", "stop"]);
    assert_eq!(h.events[1], RecorderEvent::Error(DomErrorName::Unknown));
    assert_eq!(h.packets().len(), 6);
}

#[test]
fn an_encoder_failure_is_an_unknown_error_after_which_data_is_still_delivered() {
    let f = TestFormats { video_fails_after: Some(3) };
    let mut h = Harness::with(f, &[cam()], opts("video/webm")).unwrap();
    h.rec.start(h.now, None).unwrap();
    for i in 0..5u64 {
        let frame = VideoFrame {
            format: PixelFormat::I420,
            width: 64,
            height: 48,
            data: &[],
            timestamp: Duration::from_millis(i * 33),
        };
        let _ = h.rec.handle_video(h.now, CAM, &frame);
        h.drain();
    }
    assert_eq!(h.names(), ["start", "error", "dataavailable", "stop"]);
    assert_eq!(h.packets().len(), 3);
}

// ---- A.7 stop() ---------------------------------------------------------------------------

#[test]
fn stop_when_inactive_does_nothing() {
    let mut h = Harness::audio_only();
    h.rec.stop(h.now);
    h.drain();
    assert!(h.events.is_empty());
}

#[test]
fn stop_while_paused_gives_dataavailable_and_stop_without_resume() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.rec.pause(h.now).unwrap();
    h.rec.stop(h.now);
    h.drain();
    assert_eq!(h.names(), ["start", "pause", "dataavailable", "stop"]);
}

#[test]
fn a_stopped_recorder_starts_again_with_a_new_start_event() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.rec.pause(h.now).unwrap();
    h.rec.stop(h.now);
    h.rec.start(h.now, None).unwrap();
    h.drain();
    assert_eq!(h.names(), ["start", "pause", "dataavailable", "stop", "start"]);
}

#[test]
fn stop_resets_mime_type_to_the_constrained_value() {
    let mut h = Harness::new(&[mic()], opts("")).unwrap();
    h.rec.start(h.now, None).unwrap();
    h.drain();
    assert_eq!(h.rec.mime_type(), "audio/webm;codecs=opus");
    h.rec.stop(h.now);
    assert_eq!(h.rec.mime_type(), "", "reset synchronously (spec, Firefox)");
}

// ---- A.8 pause() / A.9 resume() ---------------------------------------------------------

#[test]
fn pause_and_resume_throw_invalid_state_when_inactive() {
    let mut h = Harness::audio_only();
    assert_eq!(h.rec.pause(h.now).unwrap_err().dom_name(), DomErrorName::InvalidState);
    assert_eq!(h.rec.resume(h.now).unwrap_err().dom_name(), DomErrorName::InvalidState);
}

#[test]
fn repeated_pause_and_resume_fire_once() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.rec.pause(h.now).unwrap();
    assert_eq!(h.rec.state(), RecordingState::Paused);
    h.rec.pause(h.now).unwrap();
    h.rec.resume(h.now).unwrap();
    assert_eq!(h.rec.state(), RecordingState::Recording);
    h.rec.resume(h.now).unwrap();
    h.rec.stop(h.now);
    h.drain();
    assert_eq!(h.names(), ["start", "pause", "resume", "dataavailable", "stop"]);
}

#[test]
fn pause_removes_the_paused_time_from_the_media_timeline() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.audio(500);
    h.rec.pause(h.now).unwrap();
    h.idle(700); // the device keeps delivering; the recorder drops it
    h.rec.resume(h.now).unwrap();
    h.audio(500);
    h.rec.stop(h.now);
    h.drain();
    let packets = h.packets();
    assert_eq!(packets.len(), 100);
    let last = packets.last().unwrap().1;
    assert_eq!(last, 990_000, "timeline is continuous: no 700 ms gap");
    assert!(packets.windows(2).all(|w| w[1].1 == w[0].1 + 10_000));
}

#[test]
fn pause_stops_the_timeslice_clock() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, Some(1000)).unwrap();
    h.audio(600);
    h.rec.pause(h.now).unwrap();
    assert_eq!(h.drain(), None, "no timer while paused");
    h.idle(2000);
    h.rec.resume(h.now).unwrap();
    h.drain();
    assert_eq!(h.rec.deadline(), Some(h.now + Duration::from_millis(400)));
    assert_eq!(h.names(), ["start", "pause", "resume"]);
}

#[test]
fn video_timestamps_skip_the_paused_gap() {
    let mut h = Harness::new(&[cam()], opts("video/webm")).unwrap();
    h.rec.start(h.now, None).unwrap();
    let send = |h: &mut Harness, i: u64| {
        let f = VideoFrame {
            format: PixelFormat::I420,
            width: 64,
            height: 48,
            data: &[],
            timestamp: Duration::from_millis(5_000 + i * 100),
        };
        h.rec.handle_video(h.now, CAM, &f).unwrap();
        h.drain();
    };
    for i in 0..5 {
        send(&mut h, i);
    }
    h.rec.pause(h.now).unwrap();
    for i in 5..20 {
        send(&mut h, i);
    }
    h.rec.resume(h.now).unwrap();
    for i in 20..25 {
        send(&mut h, i);
    }
    h.rec.stop(h.now);
    h.drain();
    let pts: Vec<u64> = h.packets().iter().map(|p| p.1 / 1000).collect();
    assert_eq!(pts, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    assert!(h.packets()[0].2, "the first frame is a key frame");
}

// ---- A.10 requestData() -----------------------------------------------------------------

#[test]
fn request_data_throws_invalid_state_when_inactive() {
    let mut h = Harness::audio_only();
    assert_eq!(h.rec.request_data(h.now).unwrap_err().dom_name(), DomErrorName::InvalidState);
}

#[test]
fn request_data_right_after_start_gives_an_empty_blob_with_timecode_zero() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.rec.request_data(h.now).unwrap();
    h.drain();
    assert_eq!(h.names(), ["start", "dataavailable"]);
    assert!(h.blobs[0].is_empty());
    assert_eq!(h.events[1], RecorderEvent::DataAvailable { timecode: Duration::ZERO });
}

#[test]
fn request_data_works_while_paused_and_timecodes_follow_media_time() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.audio(300);
    h.rec.request_data(h.now).unwrap();
    h.audio(200);
    h.rec.pause(h.now).unwrap();
    h.rec.request_data(h.now).unwrap();
    h.idle(500);
    h.rec.resume(h.now).unwrap();
    h.audio(100);
    h.rec.stop(h.now);
    h.drain();
    assert_eq!(
        h.names(),
        ["start", "dataavailable", "pause", "dataavailable", "resume", "dataavailable", "stop"]
    );
    assert_eq!(h.timecodes(), [0, 300, 500]);
    // What a cut writes closes the blob it ends; the next blob starts on a packet.
    assert!(h.blobs[..2].iter().all(|b| b.last() == Some(&b'C')));
    assert!(h.blobs[1..].iter().all(|b| b.first() == Some(&b'P')));
}

// ---- A.12 timecode, A.17 bitrates, A.16 mimeType ------------------------------------------

#[test]
fn timecodes_never_go_back_across_recordings() {
    let mut h = Harness::audio_only();
    for _ in 0..2 {
        h.rec.start(h.now, Some(250)).unwrap();
        h.audio(600);
        h.rec.stop(h.now);
        h.drain();
    }
    let t = h.timecodes();
    assert_eq!(t[0], 0);
    assert!(t.windows(2).all(|w| w[0] <= w[1]), "{t:?}");
}

#[test]
fn start_splits_bits_per_second_over_the_recorded_kinds() {
    let o = RecorderOptions { bits_per_second: Some(500_000), ..opts("") };
    let mut h = Harness::new(&[mic()], o).unwrap();
    let before = (h.rec.audio_bits_per_second(), h.rec.video_bits_per_second());
    h.rec.start(h.now, None).unwrap();
    assert_eq!(h.rec.video_bits_per_second(), 0);
    assert!(h.rec.audio_bits_per_second().abs_diff(500_000) <= 100_000);
    h.rec.stop(h.now);
    assert_eq!(
        (h.rec.audio_bits_per_second(), h.rec.video_bits_per_second()),
        before,
        "recomputed on inactivation"
    );
}

// ---- Output mechanics ---------------------------------------------------------------------

#[test]
fn a_full_queue_refuses_input_without_consuming_it() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    h.drain();
    let chunk = [0.1f32; 480];
    let mut refused = false;
    let mut sent = 0u64;
    for i in 0..1000u64 {
        let frame = mediarec_core::AudioFrame {
            samples: mediarec_core::Samples::F32(&chunk),
            channels: 1,
            sample_rate: 48_000,
            timestamp: Duration::from_millis(i * 10),
        };
        match h.rec.handle_audio(h.now, MIC, &frame) {
            Ok(n) => {
                assert_eq!(n, 480);
                sent += 1;
            }
            Err(InputError::Full) => {
                refused = true;
                break;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(refused, "a 64 KiB ring cannot take 10 s of PCM without draining");
    h.rec.stop(h.now);
    h.drain();
    assert_eq!(h.packets().len() as u64, sent, "every accepted frame is in the output");
}

#[test]
fn seekable_output_gets_patches_that_blobs_do_not_carry() {
    let o = RecorderOptions { seekable: true, ..opts("audio/webm") };
    let mut h = Harness::new(&[mic()], o).unwrap();
    h.rec.start(h.now, None).unwrap();
    h.audio(50);
    h.rec.stop(h.now);
    h.drain();
    assert_eq!(h.blobs.concat()[0], b'H');
    assert_eq!(h.file[0], b'h', "the patch reached the file");
}

#[test]
fn wrong_inputs_are_typed_errors_not_panics() {
    let mut h = Harness::audio_only();
    h.rec.start(h.now, None).unwrap();
    let frame = VideoFrame {
        format: PixelFormat::I420,
        width: 1,
        height: 1,
        data: &[],
        timestamp: Duration::ZERO,
    };
    assert_eq!(h.rec.handle_video(h.now, MIC, &frame), Err(InputError::Mismatch));
    assert_eq!(
        h.rec.handle_video(h.now, mediarec_core::TrackId(99), &frame),
        Err(InputError::UnknownTrack)
    );
    let stereo = [0.0f32; 4];
    let f = mediarec_core::AudioFrame {
        samples: mediarec_core::Samples::F32(&stereo),
        channels: 2,
        sample_rate: 48_000,
        timestamp: Duration::ZERO,
    };
    assert_eq!(h.rec.handle_audio(h.now, MIC, &f), Err(InputError::Mismatch));
    let _ = Instant::ZERO;
}

#[test]
fn self_contained_blobs_need_a_muxer_that_can_make_them() {
    let o = RecorderOptions { self_contained_blobs: true, ..opts("audio/webm") };
    let mut h = Harness::new(&[mic()], o).unwrap();
    assert_eq!(h.rec.start(h.now, None).unwrap_err().dom_name(), DomErrorName::NotSupported);
}

#[test]
fn start_step14_more_tracks_than_this_recorder_takes_throw_not_supported() {
    let mut tracks = vec![mic()];
    for i in 0..MAX_RECORDED as u32 {
        tracks.push(TrackDesc { id: mediarec_core::TrackId(10 + i), ..mic() });
    }
    let mut h = Harness::new(&tracks, opts("")).unwrap();
    assert_eq!(h.rec.start(h.now, None).unwrap_err().dom_name(), DomErrorName::NotSupported);
    assert_eq!(h.rec.state(), RecordingState::Inactive);
}
