//! WebM muxing throughput into a preallocated in-memory sink (which can patch, so cluster
//! sizes, Cues, SeekHead and Duration are all produced).
//!
//! - `opus_160B`: 20 ms Opus-sized packets; the figure of merit is packets per second.
//! - `vp8_100KB`: 100 KB video packets at 30 fps, keyframe every second; bytes per second,
//!   which should approach memcpy speed because payloads are copied once.
//! - `ogg/opus_160B`: the same Opus-sized packets into Ogg pages (CRC over every byte).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mediarec_benches::{opus_config, packet_info, vp8_config};
use mediarec_core::{CodecConfig, Muxer, Packet, SliceSink};
use mediarec_ogg::OggOpusMuxer;
use mediarec_webm::WebmMuxer;

/// Muxes `count` packets of `payload` into `storage`; returns the bytes produced.
fn mux(
    storage: &mut [u8],
    config: &CodecConfig,
    payload: &[u8],
    count: u64,
    step_us: u64,
    key_every: u64,
) -> usize {
    let mut sink = SliceSink::new(storage);
    let mut muxer: WebmMuxer = WebmMuxer::default();
    let track = muxer.add_track(config).expect("track");
    muxer.write_header(&mut sink).expect("header");
    for i in 0..count {
        let info = packet_info(i, payload.len(), step_us, i % key_every == 0);
        muxer.write_packet(track, &Packet { data: payload, info }, &mut sink).expect("packet");
    }
    muxer.finish(&mut sink).expect("finish");
    sink.written().len()
}

fn bench_mux(c: &mut Criterion) {
    let mut group = c.benchmark_group("mux");

    const OPUS_PACKETS: u64 = 100_000;
    let opus = opus_config();
    let payload = [0x5Au8; 160];
    let mut storage = vec![0u8; OPUS_PACKETS as usize * 240 + (1 << 20)];
    group.throughput(Throughput::Elements(OPUS_PACKETS));
    group.bench_function("opus_160B", |b| {
        b.iter(|| mux(&mut storage, &opus, black_box(&payload), OPUS_PACKETS, 20_000, 1))
    });

    const VIDEO_PACKETS: u64 = 300;
    let vp8 = vp8_config();
    let frame = vec![0xA5u8; 100_000];
    let mut storage = vec![0u8; VIDEO_PACKETS as usize * 100_100 + (1 << 20)];
    group.throughput(Throughput::Bytes(VIDEO_PACKETS * frame.len() as u64));
    group.bench_function("vp8_100KB", |b| {
        b.iter(|| mux(&mut storage, &vp8, black_box(&frame), VIDEO_PACKETS, 33_333, 30))
    });

    // The floor for the video case: copying the same payloads with nothing around them.
    group.bench_function("memcpy_100KB_baseline", |b| {
        b.iter(|| {
            for chunk in storage.chunks_exact_mut(frame.len()).take(VIDEO_PACKETS as usize) {
                chunk.copy_from_slice(black_box(&frame));
            }
            black_box(&storage);
        })
    });
    group.finish();
}

/// Muxes `count` Opus packets of `payload` into Ogg pages in `storage`.
fn mux_ogg(storage: &mut [u8], config: &CodecConfig, payload: &[u8], count: u64) -> usize {
    let mut sink = SliceSink::new(storage);
    let mut muxer = OggOpusMuxer::new();
    let track = muxer.add_track(config).expect("track");
    muxer.write_header(&mut sink).expect("header");
    for i in 0..count {
        let info = packet_info(i, payload.len(), 20_000, true);
        muxer.write_packet(track, &Packet { data: payload, info }, &mut sink).expect("packet");
    }
    muxer.finish(&mut sink).expect("finish");
    sink.written().len()
}

fn bench_ogg(c: &mut Criterion) {
    let mut group = c.benchmark_group("ogg");
    const PACKETS: u64 = 100_000;
    let opus = opus_config();
    // TOC 0xFC: CELT fullband, 20 ms, stereo, one frame.
    let mut payload = [0x5Au8; 160];
    payload[0] = 0xFC;
    let mut storage = vec![0u8; PACKETS as usize * 200 + (1 << 20)];
    group.throughput(Throughput::Elements(PACKETS));
    group.bench_function("opus_160B", |b| {
        b.iter(|| mux_ogg(&mut storage, &opus, black_box(&payload), PACKETS))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = bench_mux, bench_ogg
}
criterion_main!(benches);
