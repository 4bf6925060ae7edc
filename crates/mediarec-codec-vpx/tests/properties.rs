//! Any picture size, any layout, any key-frame pattern and any timestamps: the encoder never
//! panics, refuses short pictures, and yields exactly one packet per accepted picture with
//! the key flag where it was forced and increasing timestamps.
#![allow(clippy::unwrap_used)]

use mediarec_codec_vpx::{VpxEncoder, VpxError, VpxOptions};
use mediarec_core::{
    BitrateMode, CodecId, Duration, EncoderSettings, PixelFormat, VideoEncoder, VideoFrame,
    VideoParams,
};
use proptest::prelude::*;

fn needed(format: PixelFormat, w: usize, h: usize) -> usize {
    match format {
        PixelFormat::I420 => w * h + 2 * w.div_ceil(2) * h.div_ceil(2),
        _ => w * h * 4,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn one_packet_per_accepted_picture(
        vp9 in any::<bool>(),
        w in 1u32..48,
        h in 1u32..48,
        pictures in proptest::collection::vec(
            (0usize..3, any::<bool>(), 0u64..100_000, any::<bool>(), any::<u8>()),
            1..8,
        ),
    ) {
        let codec = if vp9 { CodecId::Vp9 } else { CodecId::Vp8 };
        let mut enc = VpxEncoder::new(
            codec,
            VideoParams { width: w, height: h, frame_rate: 0 },
            EncoderSettings { bits_per_second: 200_000, bitrate_mode: BitrateMode::Variable },
            VpxOptions { speed: Some(8), threads: 1 },
        )
        .unwrap();
        let mut packet = vec![0u8; enc.max_packet_len()];
        let mut ts = 0u64;
        let mut last_pts = None;
        let mut accepted = 0u64;
        for (layout, key, step, short, fill) in pictures {
            let format = [PixelFormat::I420, PixelFormat::Rgba, PixelFormat::Bgra][layout];
            let full = needed(format, w as usize, h as usize);
            let data = vec![fill; if short { full - 1 } else { full }];
            ts += step;
            let frame = VideoFrame {
                format,
                width: w,
                height: h,
                data: &data,
                timestamp: Duration::from_micros(ts),
            };
            match enc.push(&frame, key) {
                Err(e) => {
                    prop_assert!(short);
                    prop_assert_eq!(e, VpxError::ShortFrame { needed: full, got: full - 1 });
                    prop_assert_eq!(enc.pull(&mut packet).unwrap(), None);
                }
                Ok(()) => {
                    prop_assert!(!short);
                    let info = enc.pull(&mut packet).unwrap().unwrap();
                    prop_assert!(info.len > 0 && info.len <= enc.max_packet_len());
                    // libvpx places no key frame of its own after the first picture.
                    prop_assert_eq!(info.keyframe, key || accepted == 0);
                    prop_assert!(last_pts.is_none_or(|p| info.pts > p));
                    last_pts = Some(info.pts);
                    prop_assert_eq!(enc.pull(&mut packet).unwrap(), None);
                    accepted += 1;
                }
            }
        }
        enc.finish().unwrap();
        prop_assert_eq!(enc.pull(&mut packet).unwrap(), None);
        prop_assert_eq!(enc.packet_count(), accepted);
    }
}
