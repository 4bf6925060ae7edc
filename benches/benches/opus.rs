//! Opus encoding per 20 ms stereo frame at 128 kb/s VBR, complexity 10.
//!
//! - `opus/libopus_raw`: `opus_encode_float` on the frames, nothing else: the floor.
//! - `opus/adapter`: the same frames through `OpusEncoder` (push, pull); the goal is
//!   within 2 % of the floor (the adapter copies each frame once and keeps the timing).
//! - `opus/threaded_adapter`: through `ThreadedAudioEncoder<OpusEncoder>`, pushing as fast
//!   as it takes frames; wall time per frame, which on an idle second core is the
//!   encoder thread's time.
//! - `opus/adapter_44k1`: 44.1 kHz input (441 frames per 10 ms block), resampled to
//!   48 kHz before encoding; the difference to `adapter` is the resampler's share.
//! - `resample/rubato_44k1_to_48k`: the resampler alone, per 20 ms of stereo input, with
//!   the chunking `OpusEncoder` uses (882 frames in, 960 out).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mediarec::ThreadedAudioEncoder;
use mediarec_benches::test_signal;
use mediarec_codec_opus::{OpusEncoder, OpusOptions};
use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, BitrateMode, Duration, EncoderSettings, Samples,
};
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler as _};

const FRAME: usize = 960;
/// Frames in the signal the benches loop over (1 s).
const SIGNAL_FRAMES: usize = 50;
const SETTINGS: EncoderSettings =
    EncoderSettings { bits_per_second: 128_000, bitrate_mode: BitrateMode::Variable };

fn raw_encoder() -> opus::Encoder {
    let mut e = opus::Encoder::new(48_000, opus::Channels::Stereo, opus::Application::Audio)
        .expect("libopus");
    e.set_complexity(10).expect("complexity");
    e.set_bitrate(opus::Bitrate::Bits(128_000)).expect("bitrate");
    e.set_vbr(true).expect("vbr");
    e
}

fn adapter(rate: u32) -> OpusEncoder {
    let input = AudioParams { sample_rate: rate, channels: 2 };
    OpusEncoder::new(input, SETTINGS, OpusOptions::default()).expect("encoder")
}

/// Pushes `block` (whole) and pulls every packet; returns the bytes made.
fn push_all<E: AudioEncoder>(enc: &mut E, block: &[f32], rate: u32, out: &mut [u8]) -> usize
where
    E::Error: std::fmt::Debug,
{
    let frame = AudioFrame {
        samples: Samples::F32(block),
        channels: 2,
        sample_rate: rate,
        timestamp: Duration::ZERO,
    };
    let (mut taken, mut bytes) = (0, 0);
    while taken < block.len() / 2 {
        let rest = AudioFrame { samples: Samples::F32(&block[taken * 2..]), ..frame };
        taken += enc.push(&rest).expect("push");
        while let Some(info) = enc.pull(out).expect("pull") {
            bytes += info.len;
        }
    }
    bytes
}

fn bench_opus(c: &mut Criterion) {
    let pcm = test_signal(FRAME * SIGNAL_FRAMES, 2, 48_000);
    let mut group = c.benchmark_group("opus");
    group.throughput(Throughput::Elements(1));

    let mut raw = raw_encoder();
    let mut packet = vec![0u8; 4000];
    let mut i = 0;
    group.bench_function("libopus_raw", |b| {
        b.iter(|| {
            let frame = &pcm[(i % SIGNAL_FRAMES) * FRAME * 2..][..FRAME * 2];
            i += 1;
            raw.encode_float(black_box(frame), &mut packet).expect("encode")
        })
    });

    let mut enc = adapter(48_000);
    let mut i = 0;
    group.bench_function("adapter", |b| {
        b.iter(|| {
            let frame = &pcm[(i % SIGNAL_FRAMES) * FRAME * 2..][..FRAME * 2];
            i += 1;
            push_all(&mut enc, black_box(frame), 48_000, &mut packet)
        })
    });

    let input = AudioParams { sample_rate: 48_000, channels: 2 };
    let mut threaded = ThreadedAudioEncoder::new(adapter(48_000), input).expect("thread");
    let mut i = 0;
    group.bench_function("threaded_adapter", |b| {
        b.iter(|| {
            let frame = &pcm[(i % SIGNAL_FRAMES) * FRAME * 2..][..FRAME * 2];
            i += 1;
            push_all(&mut threaded, black_box(frame), 48_000, &mut packet)
        })
    });
    drop(threaded);

    // The same second of audio at 44.1 kHz, in 20 ms blocks (882 frames).
    let pcm44 = test_signal(882 * SIGNAL_FRAMES, 2, 44_100);
    let mut enc = adapter(44_100);
    let mut i = 0;
    group.bench_function("adapter_44k1", |b| {
        b.iter(|| {
            let block = &pcm44[(i % SIGNAL_FRAMES) * 882 * 2..][..882 * 2];
            i += 1;
            push_all(&mut enc, black_box(block), 44_100, &mut packet)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("resample");
    group.throughput(Throughput::Elements(1));
    let mut fft = Fft::<f32>::new(44_100, 48_000, 882, 2, FixedSync::Both).expect("rubato");
    let chunk_in = fft.input_frames_next();
    let mut output = vec![0f32; fft.output_frames_max() * 2];
    let mut i = 0;
    group.bench_function("rubato_44k1_to_48k", |b| {
        b.iter(|| {
            let block = &pcm44[(i % SIGNAL_FRAMES) * 882 * 2..][..chunk_in * 2];
            i += 1;
            let input = InterleavedSlice::new(black_box(block), 2, chunk_in).expect("input");
            let frames_out = output.len() / 2;
            let mut out =
                InterleavedSlice::new_mut(&mut output[..], 2, frames_out).expect("output");
            fft.process_into_buffer(&input, &mut out, None).expect("resample").1
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(4));
    targets = bench_opus
}
criterion_main!(benches);
