//! `mediarec::fix` and `mediarec::inspect_matroska` throughput, in memory (no disk), on
//! live WebM files (no sizes, no Duration, no Cues, as browsers write them):
//!
//! - `*/opus_10min`: 10 minutes of 20 ms Opus-sized packets (160 bytes, 30 000 blocks,
//!   ~5 MB): per-block cost dominates.
//! - `*/pcm_60s`: 60 s of 48 kHz stereo `f32` in 10 ms blocks (3 840 bytes, ~23 MB):
//!   bytes dominate; this is what the 500 MB comparison with `ffmpeg -c copy` looks like.

use std::hint::black_box;
use std::io::{Cursor, Seek, SeekFrom};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mediarec_benches::{opus_config, packet_info, test_signal};
use mediarec_core::{ByteSink, CodecConfig, CodecId, Muxer, Packet, SinkError};
use mediarec_webm::WebmMuxer;

/// A live sink: appends, cannot patch.
struct Live(Vec<u8>);

impl ByteSink for Live {
    fn write(&mut self, b: &[u8]) -> Result<(), SinkError> {
        self.0.extend_from_slice(b);
        Ok(())
    }
    fn position(&self) -> u64 {
        self.0.len() as u64
    }
}

fn live_webm(config: &CodecConfig, payload: &[u8], count: u64, step_us: u64) -> Vec<u8> {
    let mut sink = Live(Vec::with_capacity(count as usize * (payload.len() + 16) + 4096));
    let mut mux: WebmMuxer = WebmMuxer::default();
    let track = mux.add_track(config).expect("track");
    mux.write_header(&mut sink).expect("header");
    for i in 0..count {
        let info = packet_info(i, payload.len(), step_us, true);
        mux.write_packet(track, &Packet { data: payload, info }, &mut sink).expect("packet");
    }
    mux.finish(&mut sink).expect("finish");
    sink.0
}

fn bench_fix(c: &mut Criterion) {
    let mut opus = [0x5Au8; 160];
    opus[0] = 0xFC; // TOC: CELT fullband 20 ms stereo, one frame
    let opus_file = live_webm(&opus_config(), &opus, 30_000, 20_000);
    let pcm: Vec<u8> = test_signal(480, 2, 48_000).iter().flat_map(|s| s.to_le_bytes()).collect();
    let pcm_file = live_webm(
        &CodecConfig { bit_depth: 32, ..CodecConfig::audio(CodecId::PcmF32, 48_000, 2) },
        &pcm,
        6_000,
        10_000,
    );
    let mut out = Cursor::new(Vec::with_capacity(pcm_file.len() + (1 << 20)));

    for (name, file) in [("opus_10min", &opus_file), ("pcm_60s", &pcm_file)] {
        let mut group = c.benchmark_group("fix");
        group.throughput(Throughput::Bytes(file.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                out.get_mut().clear();
                out.seek(SeekFrom::Start(0)).expect("seek");
                mediarec::fix(black_box(&file[..]), &mut out).expect("fix").frames
            })
        });
        group.finish();
        let mut group = c.benchmark_group("inspect");
        group.throughput(Throughput::Bytes(file.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| mediarec::inspect_matroska(black_box(&file[..])).expect("inspect").blocks)
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = bench_fix
}
criterion_main!(benches);
