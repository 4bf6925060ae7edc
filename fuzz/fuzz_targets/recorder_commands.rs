//! Arbitrary command, frame, track and time sequences against the recorder (PCM in WebM):
//! nothing may panic, every drain must end in `Wait`, and after a final `stop` the recorder
//! must be idle with its last event `stop`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediarec_core::*;
use mediarec_pcm_webm::PcmWebm;
use mediarec_recorder::*;

/// PCM in WebM with a small index, as firmware would build it.
type Formats64 = PcmWebm<8192, 64>;

fn drain(rec: &mut Recorder<'_, Formats64>, out: &mut [u8], last: &mut Option<RecorderEvent>) {
    for _ in 0..100_000 {
        match rec.poll_output(out) {
            Output::Wait(_) => return,
            Output::Event(e) => *last = Some(e),
            _ => {}
        }
    }
    panic!("poll_output never returned Wait");
}

fuzz_target!(|data: &[u8]| {
    let mic = TrackDesc {
        id: TrackId(1),
        format: TrackFormat::Audio(AudioParams { sample_rate: 48_000, channels: 1 }),
        live: true,
    };
    let mut ring = vec![0u8; 16 * 1024];
    let mut packet = vec![0u8; 8 * 1024];
    let opts = RecorderOptions {
        mime_type: "audio/webm",
        seekable: data.first().is_some_and(|b| b & 1 == 1),
        ..Default::default()
    };
    let Ok(mut rec) = Recorder::new(Formats64::default(), &[mic], &opts, &mut ring, &mut packet)
    else {
        return;
    };
    let mut out = [0u8; 97];
    let mut now = Instant::from_micros(0);
    let mut ts = Duration::ZERO;
    let mut last = None;
    let pcm = [0.5f32; 2000];
    for pair in data.chunks(2) {
        let (op, arg) = (pair[0], pair.get(1).copied().unwrap_or(0));
        now = now + Duration::from_millis(u64::from(arg));
        match op % 11 {
            0 => {
                let _ = rec.start(now, (arg & 1 == 1).then_some(u32::from(arg) * 7));
            }
            1 => rec.stop(now),
            2 => {
                let _ = rec.pause(now);
            }
            3 => {
                let _ = rec.resume(now);
            }
            4 => {
                let _ = rec.request_data(now);
            }
            5 | 6 | 7 => {
                let n = usize::from(arg) * 7 % pcm.len();
                let f = AudioFrame {
                    samples: Samples::F32(&pcm[..n]),
                    channels: 1,
                    sample_rate: 48_000,
                    timestamp: ts,
                };
                ts += f.duration();
                let _ = rec.handle_audio(now, TrackId(1), &f);
            }
            8 => rec.handle_timeout(now),
            9 => rec.handle_track(
                now,
                match arg % 3 {
                    0 => TrackChange::Ended(TrackId(1)),
                    1 => TrackChange::Removed(TrackId(u32::from(arg % 2 + 1))),
                    _ => TrackChange::Added(TrackDesc { id: TrackId(u32::from(arg)), ..mic }),
                },
            ),
            _ => rec.handle_failure(now, ErrorKind::Io),
        }
        drain(&mut rec, &mut out, &mut last);
    }
    let was_recording = rec.state() != RecordingState::Inactive;
    rec.stop(now);
    drain(&mut rec, &mut out, &mut last);
    assert!(rec.is_idle());
    if was_recording {
        assert_eq!(last, Some(RecorderEvent::Stop));
    }
});
