//! The sans-IO recorder's cost per 10 ms frame: 480 stereo `f32` sample frames through
//! `handle_audio`, the PCM encoder and the WebM muxer into the recorder's output queue,
//! drained with `poll_output` into a buffer (what the worker thread does each tick).
//!
//! - `recorder/pcm_webm_10ms`: the whole path.
//! - `recorder/direct_pcm_webm_10ms`: the same encoder and muxer driven by hand into a
//!   wrapping buffer, without the recorder; the difference is the recorder's own overhead (state
//!   machine, timeline, output queue).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mediarec_benches::{PcmWebm, WrapSink, test_signal};
use mediarec_codec_pcm::{PcmEncoder, PcmFormat};
use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, Duration, Instant, Muxer, Packet, Samples, TrackId,
};
use mediarec_recorder::{Output, Recorder, RecorderOptions, TrackDesc, TrackFormat};
use mediarec_webm::WebmMuxer;

const FRAMES: usize = 480;
const INPUT: AudioParams = AudioParams { sample_rate: 48_000, channels: 2 };

fn bench_recorder(c: &mut Criterion) {
    let mut group = c.benchmark_group("recorder");
    group.throughput(Throughput::Elements(1));
    let pcm = test_signal(FRAMES, 2, 48_000);

    let mut ring = vec![0u8; 256 * 1024];
    let mut packet = vec![0u8; 16 * 1024];
    let mut out = vec![0u8; 64 * 1024];
    let mic = TrackDesc { id: TrackId(1), format: TrackFormat::Audio(INPUT), live: true };
    let options = RecorderOptions { mime_type: "audio/webm;codecs=pcm", ..Default::default() };
    let mut rec = Recorder::new(<PcmWebm>::default(), &[mic], &options, &mut ring, &mut packet)
        .expect("recorder");
    let mut now = Instant::from_micros(0);
    rec.start(now, None).expect("start");
    let mut ts = Duration::ZERO;
    group.bench_function("pcm_webm_10ms", |b| {
        b.iter(|| {
            now = now + Duration::from_millis(10);
            let frame = AudioFrame {
                samples: Samples::F32(black_box(&pcm)),
                channels: 2,
                sample_rate: 48_000,
                timestamp: ts,
            };
            ts += Duration::from_millis(10);
            let mut taken = 0;
            let mut bytes = 0;
            while taken < FRAMES {
                let rest = AudioFrame { samples: Samples::F32(&pcm[taken * 2..]), ..frame };
                if let Ok(n) = rec.handle_audio(now, TrackId(1), &rest) {
                    taken += n;
                }
                loop {
                    match rec.poll_output(&mut out) {
                        Output::Bytes(n) | Output::FileOnly(n) => bytes += n,
                        Output::Wait(_) => break,
                        _ => {}
                    }
                }
            }
            bytes
        })
    });

    let mut enc: PcmEncoder = PcmEncoder::try_new(INPUT, PcmFormat::F32).expect("encoder");
    let mut mux: WebmMuxer = WebmMuxer::default();
    let track = mux.add_track(enc.config()).expect("track");
    let mut payload = vec![0u8; enc.max_packet_len()];
    let mut ts = Duration::ZERO;
    let mut sink = WrapSink::new(256 * 1024);
    mux.write_header(&mut sink).expect("header");
    group.bench_function("direct_pcm_webm_10ms", |b| {
        b.iter(|| {
            let frame = AudioFrame {
                samples: Samples::F32(black_box(&pcm)),
                channels: 2,
                sample_rate: 48_000,
                timestamp: ts,
            };
            ts += Duration::from_millis(10);
            let mut taken = 0;
            while taken < FRAMES {
                let rest = AudioFrame { samples: Samples::F32(&pcm[taken * 2..]), ..frame };
                taken += enc.push(&rest).expect("push");
                while let Some(info) = enc.pull(&mut payload).expect("pull") {
                    let p = Packet { data: &payload[..info.len], info };
                    mux.write_packet(track, &p, &mut sink).expect("mux");
                }
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = bench_recorder
}
criterion_main!(benches);
