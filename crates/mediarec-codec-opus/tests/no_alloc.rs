//! After construction, pushing, pulling and finishing must not allocate, also when
//! resampling and mixing: a recorder calls them for every audio block. A counting global
//! allocator checks this thread's Rust heap use (libopus itself works on its own state and
//! the stack).
#![allow(clippy::unwrap_used)]

use mediarec_alloc_counter::{CountingAllocator, allocations_on_this_thread as allocations};

use mediarec_codec_opus::{OpusEncoder, OpusOptions};
use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, BitrateMode, Duration, EncoderSettings, Samples,
};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Pushes 200 blocks of 441 sample frames (alternating f32 and i16) and returns the packet
/// count, asserting that nothing was allocated after construction.
fn run(rate: u32, channels: u16, options: OpusOptions) -> usize {
    let mut enc = OpusEncoder::new(
        AudioParams { sample_rate: rate, channels },
        EncoderSettings { bits_per_second: 96_000, bitrate_mode: BitrateMode::Variable },
        options,
    )
    .unwrap();
    let ch = usize::from(channels);
    let floats = vec![0.1f32; 441 * ch];
    let ints = vec![1_000i16; 441 * ch];
    let mut packet = [0u8; 4_000];

    let before = allocations();
    let mut packets = 0;
    for i in 0..200u64 {
        let samples = if i % 2 == 0 { Samples::F32(&floats) } else { Samples::I16(&ints) };
        let frame = AudioFrame {
            samples,
            channels,
            sample_rate: rate,
            timestamp: Duration::from_samples(441 * i, rate),
        };
        let mut taken = 0;
        while taken < frame.frames() {
            let rest = match samples {
                Samples::F32(s) => Samples::F32(&s[taken * ch..]),
                Samples::I16(s) => Samples::I16(&s[taken * ch..]),
            };
            taken += enc.push(&AudioFrame { samples: rest, ..frame }).unwrap();
            while enc.pull(&mut packet).unwrap().is_some() {
                packets += 1;
            }
        }
    }
    enc.finish().unwrap();
    while enc.pull(&mut packet).unwrap().is_some() {
        packets += 1;
    }
    assert_eq!(allocations(), before, "{rate} Hz, {channels} channels");
    packets
}

#[test]
fn encoding_does_not_allocate_after_construction() {
    let native = run(48_000, 2, OpusOptions::default());
    assert_eq!(native, (200 * 441 + 312usize).div_ceil(960));
    // Resampling 44.1 kHz and down-mixing 5.1 to stereo: 88 200 frames are 96 000 at 48 kHz.
    let resampled = run(44_100, 6, OpusOptions::default());
    assert_eq!(resampled, (96_000 + 312usize).div_ceil(960));
    // Up-mixing mono to stereo at 22.05 kHz.
    let up = OpusOptions { channels: Some(2), ..OpusOptions::default() };
    assert_eq!(run(22_050, 1, up), (192_000 + 312usize).div_ceil(960));
    // The counter works: an allocation is seen.
    let before = allocations();
    let v = std::hint::black_box(vec![0u8; 16]);
    assert_eq!(allocations(), before + 1);
    drop(v);
}
