//! The recording pipeline allocates nothing per frame: the sans-IO recorder with this
//! build's formats (Opus on its encoder thread, WebM), fed 10 ms frames and drained, with
//! a counting global allocator watching every thread (the encoder thread included).
#![allow(clippy::unwrap_used, missing_docs)]

use mediarec_alloc_counter::{CountingAllocator, allocations_in_process};

use mediarec::StdFormats;
use mediarec_benches::test_signal;
use mediarec_core::{AudioFrame, AudioParams, Duration, Instant, Samples, TrackId};
use mediarec_recorder::{Output, Recorder, RecorderOptions, TrackDesc, TrackFormat};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn threaded_opus_into_webm_allocates_nothing_per_frame() {
    let input = AudioParams { sample_rate: 48_000, channels: 2 };
    let mic = TrackDesc { id: TrackId(1), format: TrackFormat::Audio(input), live: true };
    let options = RecorderOptions {
        mime_type: "audio/webm;codecs=opus",
        seekable: true,
        ..Default::default()
    };
    let formats = StdFormats { encoder_thread: true, ..StdFormats::default() };
    let (mut ring, mut packet) = (vec![0u8; 1 << 20], vec![0u8; 64 * 1024]);
    let mut rec = Recorder::new(formats, &[mic], &options, &mut ring, &mut packet).unwrap();
    let pcm = test_signal(48_000, 2, 48_000);
    let mut out = vec![0u8; 64 * 1024];
    let mut now = Instant::from_micros(0);
    let mut bytes = 0usize;
    rec.start(now, Some(1000)).unwrap();
    let mut tick = |rec: &mut Recorder<'_, StdFormats>, i: usize, bytes: &mut usize| {
        now = now + Duration::from_millis(10);
        let block = &pcm[(i % 100) * 960..][..960];
        let ts = Duration::from_millis(10 * i as u64);
        let mut taken = 0;
        while taken < 480 {
            let frame = AudioFrame {
                samples: Samples::F32(&block[taken * 2..]),
                channels: 2,
                sample_rate: 48_000,
                timestamp: ts + Duration::from_samples(taken as u64, 48_000),
            };
            if let Ok(n) = rec.handle_audio(now, TrackId(1), &frame) {
                taken += n;
            }
            rec.handle_timeout(now);
            loop {
                match rec.poll_output(&mut out) {
                    Output::Bytes(n) | Output::FileOnly(n) => *bytes += n,
                    Output::Wait(_) => break,
                    _ => {}
                }
            }
        }
    };
    // Warm up: the encoder thread's first wake-ups, the header, the first clusters.
    for i in 0..300 {
        tick(&mut rec, i, &mut bytes);
    }
    let (before, bytes_before) = (allocations_in_process(), bytes);
    // 30 s of audio: 3000 frames, 1500 packets, 30 timeslice blobs, 6 clusters.
    for i in 300..3300 {
        tick(&mut rec, i, &mut bytes);
    }
    let after = allocations_in_process();
    assert!(bytes - bytes_before > 300_000, "packets were muxed: {} bytes", bytes - bytes_before);
    assert_eq!(after - before, 0, "allocations while recording");
    rec.stop(now);
    while !matches!(rec.poll_output(&mut out), Output::Wait(_)) {}
}
