//! In steady state the recorder allocates nothing per frame: frames in, packets muxed,
//! outputs drained, timeslice blobs cut — all with a counting global allocator watching.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use mediarec_alloc_counter::{CountingAllocator, allocations_in_process};

use common::leak;
use mediarec_core::*;
use mediarec_pcm_webm::PcmWebm;
use mediarec_recorder::*;

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn steady_state_recording_allocates_nothing() {
    let mic = TrackDesc {
        id: TrackId(1),
        format: TrackFormat::Audio(AudioParams { sample_rate: 48_000, channels: 2 }),
        live: true,
    };
    let opts = RecorderOptions {
        mime_type: "audio/webm;codecs=pcm",
        seekable: true,
        ..Default::default()
    };
    let mut rec =
        Recorder::new(PcmWebm::<8192>::default(), &[mic], &opts, leak(256 * 1024), leak(16 * 1024))
            .unwrap();
    let samples = vec![0.25f32; 2 * 480];
    let mut out = vec![0u8; 4096];
    let mut now = Instant::from_micros(0);
    let mut ts = Duration::ZERO;
    let bytes = std::cell::Cell::new(0usize);
    let events = std::cell::Cell::new(0usize);
    rec.start(now, Some(250)).unwrap();
    let mut step = |rec: &mut Recorder<'_, PcmWebm<8192>>, now: &mut Instant, ts: &mut Duration| {
        *now = *now + Duration::from_millis(10);
        let frame = AudioFrame {
            samples: Samples::F32(&samples),
            channels: 2,
            sample_rate: 48_000,
            timestamp: *ts,
        };
        *ts += Duration::from_millis(10);
        let mut taken = 0;
        while taken < 480 {
            if let Ok(n) = rec.handle_audio(
                *now,
                TrackId(1),
                &AudioFrame { samples: Samples::F32(&samples[taken * 2..]), ..frame },
            ) {
                taken += n;
            }
            rec.handle_timeout(*now);
            loop {
                match rec.poll_output(&mut out) {
                    Output::Bytes(n) => bytes.set(bytes.get() + n),
                    Output::Patch { .. } | Output::BlobOnly(_) | Output::FileOnly(_) => {}
                    Output::Event(_) => events.set(events.get() + 1),
                    Output::Wait(_) => break,
                }
            }
        }
    };
    // Warm up: header, first clusters.
    for _ in 0..200 {
        step(&mut rec, &mut now, &mut ts);
    }
    let before = allocations_in_process();
    let (bytes0, events0) = (bytes.get(), events.get());
    // 20 s of audio: 2000 frames, 80 timeslice blobs, several cluster rollovers.
    for _ in 0..2000 {
        step(&mut rec, &mut now, &mut ts);
    }
    let after = allocations_in_process();
    assert!(bytes.get() - bytes0 > 2000 * 480 * 2 * 4, "the frames were recorded");
    assert!(events.get() - events0 >= 79, "timeslice blobs were cut");
    assert_eq!(after - before, 0, "allocations while recording");
}
