//! Property tests: any packet sequence with any cuts muxes into pages that read back to the
//! same packets with the right granule positions; the page reader survives any bytes.
#![allow(clippy::unwrap_used)]

use mediarec_core::{
    ByteSink, CodecConfig, CodecId, Duration, Muxer, Packet, PacketInfo, SinkError,
};
use mediarec_ogg::{FLAG_BOS, OggOpusMuxer, Page, Pages, opus_packet_samples};
use proptest::prelude::*;

struct VecSink(Vec<u8>);

impl ByteSink for VecSink {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
    fn position(&self) -> u64 {
        self.0.len() as u64
    }
}

const BUF: usize = 1024;

#[derive(Debug, Clone)]
struct Step {
    len: usize,
    config: u8,
    cut: bool,
}

fn step() -> impl Strategy<Value = Step> {
    // Mostly small packets, sometimes larger than the 742-byte page body.
    let len = prop_oneof![4 => 1usize..300, 1 => 300usize..2500];
    (len, 0u8..32, prop::bool::weighted(0.2)).prop_map(|(len, config, cut)| Step {
        len,
        config,
        cut,
    })
}

fn opus_packet(s: &Step, i: usize) -> Vec<u8> {
    (0..s.len).map(|k| if k == 0 { s.config << 3 } else { (i * 31 + k) as u8 }).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn packets_read_back_with_exact_granules(steps in prop::collection::vec(step(), 1..120), trim in 0u32..3000) {
        let mut mux = OggOpusMuxer::<BUF>::with_buffer();
        let track = mux.add_track(&CodecConfig::audio(CodecId::Opus, 48_000, 1)).unwrap();
        let mut sink = VecSink(Vec::new());
        mux.write_header(&mut sink).unwrap();
        let mut boundaries = vec![sink.0.len()];
        let mut packets = Vec::new();
        let mut total = 0u64;
        for (i, s) in steps.iter().enumerate() {
            let data = opus_packet(s, i);
            let samples = u64::from(opus_packet_samples(&data).unwrap());
            let last = i + 1 == steps.len();
            let discard = if last { trim } else { 0 };
            let info = PacketInfo { len: data.len(), pts: Duration::from_samples(total, 48_000),
                duration: Duration::from_samples(samples, 48_000), keyframe: true, discard_samples: discard };
            let before = sink.0.len();
            mux.write_packet(track, &Packet { data: &data, info }, &mut sink).unwrap();
            if data.len() <= OggOpusMuxer::<BUF>::BODY_CAPACITY {
                prop_assert!(sink.0.len() - before <= mux.max_packet_overhead());
            }
            total += samples;
            packets.push((data, total, if last { u64::from(trim).min(samples) } else { 0 }));
            if s.cut {
                let before = sink.0.len();
                mux.cut(&mut sink).unwrap();
                prop_assert!(sink.0.len() - before <= mux.max_finish_len());
                boundaries.push(sink.0.len());
            }
        }
        let before = sink.0.len();
        mux.finish(&mut sink).unwrap();
        prop_assert!(sink.0.len() - before <= mux.max_finish_len());
        prop_assert_eq!(mux.duration(), Duration::from_samples(total, 48_000));

        // Every cut is at a page boundary: the prefix is whole pages.
        for &b in &boundaries {
            prop_assert!(Pages::new(&sink.0[..b]).all(|p| p.is_ok()));
        }

        let pages: Vec<Page<'_>> = Pages::new(&sink.0).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(pages[0].flags, FLAG_BOS);
        prop_assert!(pages.last().unwrap().is_eos());
        prop_assert_eq!(pages.iter().filter(|p| p.is_eos()).count(), 1);
        let mut next = 0usize;
        let mut partial = Vec::new();
        for (seq, p) in pages.iter().enumerate() {
            prop_assert_eq!(p.sequence as usize, seq);
            prop_assert!(p.len() <= BUF);
            prop_assert_eq!(p.is_continued(), !partial.is_empty());
            if seq < 2 {
                prop_assert_eq!(p.granule, 0);
                prop_assert_eq!(p.completed_packets(), 1);
                continue;
            }
            let mut granule = None;
            for piece in p.packets() {
                partial.extend_from_slice(piece.data);
                if piece.complete {
                    let (data, end, trim) = &packets[next];
                    prop_assert_eq!(&partial, data);
                    granule = Some((end - trim) as i64);
                    partial.clear();
                    next += 1;
                }
            }
            prop_assert_eq!(p.granule_position(), granule);
        }
        prop_assert_eq!(next, packets.len());
    }

    #[test]
    fn the_page_reader_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for p in Pages::new(&bytes).flatten() {
            let total: usize = p.packets().map(|x| x.data.len()).sum();
            prop_assert_eq!(total, p.body.len());
        }
    }

    #[test]
    fn the_page_reader_survives_damaged_pages(steps in prop::collection::vec(step(), 1..10), at in any::<prop::sample::Index>(), xor in 1u8..) {
        let mut mux = OggOpusMuxer::<BUF>::with_buffer();
        let track = mux.add_track(&CodecConfig::audio(CodecId::Opus, 48_000, 2)).unwrap();
        let mut sink = VecSink(Vec::new());
        mux.write_header(&mut sink).unwrap();
        for (i, s) in steps.iter().enumerate() {
            let data = opus_packet(s, i);
            let info = PacketInfo { len: data.len(), pts: Duration::ZERO, duration: Duration::from_millis(20), keyframe: true, discard_samples: 0 };
            mux.write_packet(track, &Packet { data: &data, info }, &mut sink).unwrap();
        }
        mux.finish(&mut sink).unwrap();
        let i = at.index(sink.0.len());
        sink.0[i] ^= xor;
        // One damaged byte anywhere (the CRC field included) is reported, never read as a
        // valid page with other content.
        let pages: Vec<_> = Pages::new(&sink.0).collect();
        prop_assert!(pages.iter().any(|p| p.is_err()));
    }
}
