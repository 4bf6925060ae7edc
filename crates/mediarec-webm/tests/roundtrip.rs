//! Property: whatever packets go in, ebml-iterable (an independent EBML reader) finds the
//! same blocks in the live stream and in the seekable file, and both streams are equal.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Block, MemSink, read_with_ebml_iterable};
use mediarec_core::{
    CodecConfig, CodecId, CodecPrivate, Duration, MuxTrack, Muxer, Packet, PacketInfo,
};
use mediarec_webm::WebmMuxer;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Op {
    track: usize,
    advance_us: u64,
    lag_us: u64,
    len: usize,
    keyframe: bool,
    discard: u32,
    cut: bool,
}

fn op() -> impl Strategy<Value = Op> {
    (
        0usize..3,
        prop_oneof![20 => 0u64..60_000, 1 => Just(40_000_000u64), 1 => 4_000_000u64..6_000_000],
        prop_oneof![3 => Just(0u64), 1 => 0u64..100_000],
        prop_oneof![4 => 0usize..200, 1 => 200usize..20_000],
        any::<bool>(),
        prop_oneof![4 => Just(0u32), 1 => 1u32..960],
        prop::bool::weighted(0.05),
    )
        .prop_map(|(track, advance_us, lag_us, len, keyframe, discard, cut)| Op {
            track,
            advance_us,
            lag_us,
            len,
            keyframe,
            discard,
            cut,
        })
}

fn configs(with_video: bool) -> Vec<CodecConfig> {
    let mut opus = CodecConfig::audio(CodecId::Opus, 48_000, 2);
    opus.private =
        CodecPrivate::new(b"OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x00").unwrap();
    opus.codec_delay = Duration::from_micros(6_500);
    opus.seek_preroll = Duration::from_millis(80);
    let mut v = vec![opus, CodecConfig::audio(CodecId::PcmF32, 44_100, 1)];
    if with_video {
        v.push(CodecConfig::video(CodecId::Vp8, 320, 240));
    }
    v
}

/// Muxes `ops` and returns the sink and the blocks a reader should find.
fn mux(ops: &[Op], with_video: bool, sink: &mut MemSink) -> Vec<Block> {
    let configs = configs(with_video);
    let mut m: WebmMuxer<8> = WebmMuxer::default();
    let tracks: Vec<MuxTrack> = configs.iter().map(|c| m.add_track(c).unwrap()).collect();
    m.write_header(sink).unwrap();
    let mut clock = 0u64;
    let mut last = vec![0u64; tracks.len()];
    let mut expected = Vec::new();
    let mut max_end = 0u64;
    for (n, op) in ops.iter().enumerate() {
        let ti = op.track % tracks.len();
        clock += op.advance_us;
        let pts = clock.saturating_sub(op.lag_us).max(last[ti]);
        last[ti] = pts;
        max_end = max_end.max(pts + 20_000);
        let video = configs[ti].codec == CodecId::Vp8;
        let data: Vec<u8> = (0..op.len).map(|i| (i + n) as u8).collect();
        let discard = if video { 0 } else { op.discard };
        let info = PacketInfo {
            len: data.len(),
            pts: Duration::from_micros(pts),
            duration: Duration::from_millis(20),
            keyframe: op.keyframe,
            discard_samples: discard,
        };
        if op.cut {
            m.cut(sink).unwrap();
        }
        m.write_packet(tracks[ti], &Packet { data: &data, info }, sink).unwrap();
        let rate = configs[ti].sample_rate as u128;
        expected.push(Block {
            track: ti as u64 + 1,
            time_ms: (pts / 1000) as i64,
            keyframe: op.keyframe || !video,
            data,
            discard_ns: (discard > 0)
                .then(|| ((discard as u128 * 1_000_000_000 + rate / 2) / rate) as i64),
        });
    }
    m.finish(sink).unwrap();
    assert_eq!(m.duration(), Duration::from_micros(max_end));
    expected
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_packet_sequence_reads_back_through_ebml_iterable(
        ops in prop::collection::vec(op(), 0..120),
        with_video in any::<bool>(),
    ) {
        let mut live = MemSink::live();
        let expected = mux(&ops, with_video, &mut live);
        let mut seekable = MemSink::seekable();
        mux(&ops, with_video, &mut seekable);
        prop_assert_eq!(&live.stream, &seekable.stream);

        let from_live = read_with_ebml_iterable(&live.image);
        prop_assert_eq!(&from_live.blocks, &expected);
        prop_assert_eq!(from_live.duration, None);

        let from_file = read_with_ebml_iterable(&seekable.image);
        prop_assert_eq!(&from_file.blocks, &expected);
        prop_assert_eq!(&from_file.cluster_times, &from_live.cluster_times);
        if !ops.is_empty() {
            prop_assert!(from_file.duration.is_some());
            // Audio only: the first audio track's first packet is always indexed.
            let first_track_used = ops.iter().any(|o| o.track % if with_video { 3 } else { 2 } == 0);
            if !with_video && first_track_used {
                prop_assert!(!from_file.cue_times.is_empty());
            }
        }
        // Cluster timestamps never go backwards.
        prop_assert!(from_file.cluster_times.windows(2).all(|w| w[0] <= w[1]));
    }
}
