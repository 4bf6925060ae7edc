//! After the first picture, pushing and pulling must not allocate: a recorder calls them for
//! every frame. A counting global allocator checks this thread's Rust heap use (libvpx keeps
//! its own buffers, allocated when the encoder is created).
#![allow(clippy::unwrap_used)]

use mediarec_alloc_counter::{CountingAllocator, allocations_on_this_thread as allocations};

use mediarec_codec_vpx::{VpxEncoder, VpxOptions};
use mediarec_core::{
    BitrateMode, CodecId, EncoderSettings, PixelFormat, VideoEncoder, VideoFrame, VideoParams,
};
use mediarec_source_synth::Pattern;

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn encoding_does_not_allocate_after_the_first_picture() {
    for codec in [CodecId::Vp8, CodecId::Vp9] {
        let mut enc = VpxEncoder::new(
            codec,
            VideoParams { width: 160, height: 120, frame_rate: 30 },
            EncoderSettings { bits_per_second: 300_000, bitrate_mode: BitrateMode::Variable },
            VpxOptions::default(),
        )
        .unwrap();
        let mut pattern = Pattern::new(160, 120, 30);
        let mut rgba = vec![0u8; pattern.rgba_len().unwrap()];
        let mut i420 = vec![0u8; pattern.i420_len().unwrap()];
        let mut packet = vec![0u8; enc.max_packet_len()];
        let mut packets = 0;
        let mut before = 0;
        for i in 0..40u64 {
            if i == 1 {
                before = allocations();
            }
            // Alternate layouts: the conversion buffer is made once and reused.
            let frame = match i % 3 {
                0 => pattern.frame_rgba(&mut rgba).unwrap(),
                1 => pattern.frame_i420(&mut i420).unwrap(),
                _ => {
                    let f = pattern.frame_rgba(&mut rgba).unwrap();
                    VideoFrame { format: PixelFormat::Bgra, ..f }
                }
            };
            enc.push(&frame, i % 10 == 0).unwrap();
            while enc.pull(&mut packet).unwrap().is_some() {
                packets += 1;
            }
        }
        enc.finish().unwrap();
        while enc.pull(&mut packet).unwrap().is_some() {
            packets += 1;
        }
        assert_eq!(allocations(), before, "{codec:?}");
        assert_eq!(packets, 40);
        assert_eq!(enc.keyframe_count(), 4);
    }
    // The counter works: an allocation is seen.
    let before = allocations();
    let v = std::hint::black_box(vec![0u8; 16]);
    assert_eq!(allocations(), before + 1);
    drop(v);
}
