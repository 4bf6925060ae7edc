//! Unit tests: block framing, cluster rules, live/seekable identity, reserved-room sizing.

use std::vec;
use std::vec::Vec;

use mediarec_core::{
    ByteSink, CodecConfig, CodecId, CodecPrivate, ContainerId, Duration, MuxTrack, Muxer, Packet,
    PacketInfo, SinkError, SliceSink,
};
use mediarec_ebml::{BlockHeader, Header, Reader, ids, read_float, read_int, read_uint};

use crate::muxer::SEEK_HEAD_MAX;
use crate::{DocType, SEEK_HEAD_RESERVE, WebmError, WebmMuxer, WebmOptions};

/// Keeps the written stream and, separately, the patched file image.
#[derive(Default)]
struct MemSink {
    stream: Vec<u8>,
    image: Vec<u8>,
    patchable: bool,
    patched_bytes: usize,
}

impl MemSink {
    fn seekable() -> Self {
        MemSink { patchable: true, ..Default::default() }
    }
    fn live() -> Self {
        MemSink::default()
    }
}

impl ByteSink for MemSink {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.stream.extend_from_slice(bytes);
        self.image.extend_from_slice(bytes);
        Ok(())
    }
    fn position(&self) -> u64 {
        self.stream.len() as u64
    }
    fn can_patch(&self) -> bool {
        self.patchable
    }
    fn patch(&mut self, offset: u64, bytes: &[u8]) -> Result<(), SinkError> {
        if !self.patchable {
            return Err(SinkError::NotSeekable);
        }
        let start = offset as usize;
        if start > self.image.len() {
            return Err(SinkError::Io);
        }
        let end = start + bytes.len();
        if end > self.image.len() {
            self.image.resize(end, 0);
        }
        self.image[start..end].copy_from_slice(bytes);
        self.patched_bytes += bytes.len();
        Ok(())
    }
}

fn opus() -> CodecConfig {
    let mut c = CodecConfig::audio(CodecId::Opus, 48_000, 2);
    c.private = CodecPrivate::new(b"OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x00").unwrap();
    c.codec_delay = Duration::from_micros(6_500);
    c.seek_preroll = Duration::from_millis(80);
    c
}

fn packet(data: &[u8], pts_us: u64, keyframe: bool) -> Packet<'_> {
    Packet {
        data,
        info: PacketInfo {
            len: data.len(),
            pts: Duration::from_micros(pts_us),
            duration: Duration::from_millis(20),
            keyframe,
            discard_samples: 0,
        },
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Block {
    track: u64,
    time_ms: i64,
    keyframe: bool,
    data: Vec<u8>,
    discard_ns: Option<i64>,
}

#[derive(Debug, Default)]
struct Parsed {
    top: Vec<(u32, u64)>,
    segment_size: Option<u64>,
    segment_data: u64,
    clusters: Vec<(u64, Option<u64>, u64)>,
    blocks: Vec<Block>,
    duration: Option<f64>,
    cues: Vec<(u64, u64, u64)>,
    seeks: Vec<(u32, u64)>,
}

/// A strict walk with our own reader: any error fails the test.
fn parse(bytes: &[u8]) -> Parsed {
    let mut p = Parsed::default();
    let mut top = Reader::new(bytes, 0);
    while let Some(h) = top.next_header().unwrap() {
        p.top.push((h.id, h.offset));
        if h.id != ids::SEGMENT {
            top.skip_data(&h).unwrap();
            continue;
        }
        p.segment_size = h.size;
        p.segment_data = h.data_offset();
        let mut seg = top.enter(&h);
        while let Some(e) = seg.next_header().unwrap() {
            match e.id {
                ids::CLUSTER => parse_cluster(&mut p, &mut seg, &e),
                ids::INFO | ids::CUES | ids::SEEK_HEAD => {
                    let mut r = seg.enter(&e);
                    walk_leaves(&mut r, &mut |id, d| match id {
                        ids::DURATION => p.duration = Some(read_float(d).unwrap()),
                        ids::CUE_TIME => p.cues.push((read_uint(d).unwrap(), 0, 0)),
                        ids::CUE_TRACK => p.cues.last_mut().unwrap().1 = read_uint(d).unwrap(),
                        ids::CUE_CLUSTER_POSITION => {
                            p.cues.last_mut().unwrap().2 = read_uint(d).unwrap()
                        }
                        ids::SEEK_ID => {
                            p.seeks.push((u32::from_be_bytes(d.try_into().unwrap()), 0))
                        }
                        ids::SEEK_POSITION => p.seeks.last_mut().unwrap().1 = read_uint(d).unwrap(),
                        _ => {}
                    });
                    seg.leave(&r).unwrap();
                }
                ids::TRACKS => {
                    let mut r = seg.enter(&e);
                    walk_leaves(&mut r, &mut |_, _| {});
                    seg.leave(&r).unwrap();
                }
                ids::VOID => seg.skip_data(&e).unwrap(),
                other => panic!("unexpected {other:#x} in Segment"),
            }
        }
        top.leave(&seg).unwrap();
    }
    p
}

fn walk_leaves(r: &mut Reader<'_>, f: &mut dyn FnMut(u32, &[u8])) {
    while let Some(h) = r.next_header().unwrap() {
        if ids::kind(h.id) == Some(ids::ElementKind::Master) {
            let mut c = r.enter(&h);
            walk_leaves(&mut c, f);
            r.leave(&c).unwrap();
        } else {
            let d = r.read_data(&h).unwrap();
            f(h.id, d);
        }
    }
}

fn parse_cluster(p: &mut Parsed, seg: &mut Reader<'_>, h: &Header) {
    let mut r = seg.enter(h);
    let mut timecode = None;
    while let Some(e) = r.next_header().unwrap() {
        match e.id {
            ids::CLUSTER_TIMESTAMP => {
                let tc = read_uint(r.read_data(&e).unwrap()).unwrap();
                timecode = Some(tc);
                p.clusters.push((h.offset - p.segment_data, h.size, tc));
            }
            ids::SIMPLE_BLOCK => {
                let d = r.read_data(&e).unwrap();
                let b = BlockHeader::parse(d).unwrap();
                assert_eq!(b.lacing(), 0);
                p.blocks.push(Block {
                    track: b.track,
                    time_ms: timecode.unwrap() as i64 + i64::from(b.timestamp),
                    keyframe: b.is_keyframe(),
                    data: d[b.len..].to_vec(),
                    discard_ns: None,
                });
            }
            ids::BLOCK_GROUP => {
                let mut g = r.enter(&e);
                let mut block = None;
                let mut discard = None;
                while let Some(x) = g.next_header().unwrap() {
                    let d = g.read_data(&x).unwrap();
                    match x.id {
                        ids::BLOCK => {
                            let b = BlockHeader::parse(d).unwrap();
                            assert_eq!(b.flags, 0);
                            block = Some(Block {
                                track: b.track,
                                time_ms: timecode.unwrap() as i64 + i64::from(b.timestamp),
                                keyframe: true,
                                data: d[b.len..].to_vec(),
                                discard_ns: None,
                            });
                        }
                        ids::DISCARD_PADDING => discard = Some(read_int(d).unwrap()),
                        other => panic!("unexpected {other:#x} in BlockGroup"),
                    }
                }
                r.leave(&g).unwrap();
                let mut b = block.unwrap();
                b.discard_ns = discard;
                p.blocks.push(b);
            }
            other => panic!("unexpected {other:#x} in Cluster"),
        }
    }
    seg.leave(&r).unwrap();
}

fn audio_muxer() -> (WebmMuxer, MuxTrack) {
    let mut m: WebmMuxer = WebmMuxer::default();
    let t = m.add_track(&opus()).unwrap();
    (m, t)
}

#[test]
fn simple_block_carries_track_relative_time_and_flags() {
    let mut m: WebmMuxer = WebmMuxer::default();
    let a = m.add_track(&opus()).unwrap();
    let v = m.add_track(&CodecConfig::video(CodecId::Vp8, 320, 240)).unwrap();
    assert_eq!((a, v), (MuxTrack(1), MuxTrack(2)));
    let mut s = MemSink::live();
    m.write_header(&mut s).unwrap();
    let header_end = s.stream.len();
    m.write_packet(v, &packet(&[1, 2, 3], 1_000_000, true), &mut s).unwrap();
    m.write_packet(a, &packet(&[4], 1_020_999, false), &mut s).unwrap();
    m.write_packet(v, &packet(&[5, 6], 1_033_000, false), &mut s).unwrap();
    let w = &s.stream[header_end..];
    // Cluster, unknown size, Timestamp 1000 ms.
    assert_eq!(&w[..12], &[0x1F, 0x43, 0xB6, 0x75, 1, 255, 255, 255, 255, 255, 255, 255]);
    assert_eq!(&w[12..16], &[0xE7, 0x82, 0x03, 0xE8]);
    // SimpleBlock: size 7, track 2, +0 ms, keyframe.
    assert_eq!(&w[16..25], &[0xA3, 0x87, 0x82, 0x00, 0x00, 0x80, 1, 2, 3]);
    // Audio is always a keyframe; time is floored to the millisecond (+20).
    assert_eq!(&w[25..31], &[0xA3, 0x85, 0x81, 0x00, 0x14, 0x80]);
    // Video inter frame: no keyframe flag, +33 ms.
    assert_eq!(&w[32..40], &[0xA3, 0x86, 0x82, 0x00, 0x21, 0x00, 5, 6]);
    assert_eq!(w.len(), 40);
}

#[test]
fn negative_relative_time_for_small_cross_track_disorder() {
    let mut m: WebmMuxer = WebmMuxer::default();
    let a = m.add_track(&opus()).unwrap();
    let v = m.add_track(&CodecConfig::video(CodecId::Vp9, 64, 64)).unwrap();
    let mut s = MemSink::live();
    m.write_header(&mut s).unwrap();
    m.write_packet(v, &packet(&[1], 500_000, true), &mut s).unwrap();
    m.write_packet(a, &packet(&[2], 490_000, true), &mut s).unwrap();
    m.cut(&mut s).unwrap();
    // A new cluster after a cut must not start before the previous one.
    m.write_packet(a, &packet(&[3], 495_000, true), &mut s).unwrap();
    let p = parse(&s.stream);
    assert_eq!(p.clusters.iter().map(|c| c.2).collect::<Vec<_>>(), vec![500, 500]);
    let times: Vec<i64> = p.blocks.iter().map(|b| b.time_ms).collect();
    assert_eq!(times, vec![500, 490, 495]);
    // Too far behind for 16 bits is an error, and nothing is written.
    let before = s.stream.len();
    m.write_packet(v, &packet(&[4], 40_000_000, true), &mut s).unwrap();
    let len = s.stream.len();
    assert_eq!(
        m.write_packet(a, &packet(&[5], 7_000_000, true), &mut s),
        Err(WebmError::OutOfOrder(a))
    );
    assert_eq!(s.stream.len(), len);
    assert!(len > before);
}

#[test]
fn clusters_roll_over_every_five_seconds_for_audio() {
    let (mut m, t) = audio_muxer();
    let mut s = MemSink::seekable();
    m.write_header(&mut s).unwrap();
    for i in 0..600u64 {
        m.write_packet(t, &packet(&[0xAA; 10], i * 20_000, true), &mut s).unwrap();
    }
    m.finish(&mut s).unwrap();
    let p = parse(&s.image);
    let tcs: Vec<u64> = p.clusters.iter().map(|c| c.2).collect();
    assert_eq!(tcs, vec![0, 5000, 10_000]);
    assert_eq!(m.cluster_count(), 3);
    assert_eq!(p.blocks.len(), 600);
    assert!(p.blocks.iter().enumerate().all(|(i, b)| b.time_ms == i as i64 * 20));
    // Sizes were patched to the real lengths, and the cues point at each cluster.
    assert!(p.clusters.iter().all(|c| c.1.is_some()));
    let cues: Vec<(u64, u64, u64)> = p.clusters.iter().map(|c| (c.2, 1, c.0)).collect();
    assert_eq!(p.cues, cues);
    // Duration is what plays: 12 s of packets less the 6.5 ms codec delay.
    assert_eq!(p.duration, Some(11_993.5));
}

#[test]
fn cluster_rolls_over_before_the_i16_block_time_overflows() {
    let mut m: WebmMuxer = WebmMuxer::new(WebmOptions {
        doc_type: DocType::Matroska,
        max_cluster_duration: Duration::from_secs(3600),
    });
    let t = m.add_track(&opus()).unwrap();
    let mut s = MemSink::live();
    m.write_header(&mut s).unwrap();
    m.write_packet(t, &packet(&[1], 0, true), &mut s).unwrap();
    m.write_packet(t, &packet(&[2], 32_767_999, true), &mut s).unwrap();
    m.write_packet(t, &packet(&[3], 32_768_000, true), &mut s).unwrap();
    m.write_packet(t, &packet(&[4], 100_000_000, true), &mut s).unwrap();
    let p = parse(&s.stream);
    let tcs: Vec<u64> = p.clusters.iter().map(|c| c.2).collect();
    assert_eq!(tcs, vec![0, 32_768, 100_000]);
    let times: Vec<i64> = p.blocks.iter().map(|b| b.time_ms).collect();
    assert_eq!(times, vec![0, 32_767, 32_768, 100_000]);
}

#[test]
fn video_keyframes_and_cuts_open_clusters_and_cut_writes_nothing() {
    let mut m: WebmMuxer = WebmMuxer::default();
    let v = m.add_track(&CodecConfig::video(CodecId::Vp8, 32, 32)).unwrap();
    let a = m.add_track(&opus()).unwrap();
    let mut s = MemSink::seekable();
    m.write_header(&mut s).unwrap();
    m.write_packet(a, &packet(&[0], 0, true), &mut s).unwrap(); // cluster 1 (no cue)
    m.write_packet(v, &packet(&[1], 10_000, false), &mut s).unwrap();
    m.write_packet(v, &packet(&[2], 40_000, true), &mut s).unwrap(); // cluster 2
    m.write_packet(a, &packet(&[3], 60_000, true), &mut s).unwrap();
    let len = s.stream.len();
    m.cut(&mut s).unwrap();
    assert_eq!(s.stream.len(), len);
    assert_eq!(s.patched_bytes, 8); // only the size of cluster 1, patched when 2 opened
    m.write_packet(a, &packet(&[4], 80_000, true), &mut s).unwrap(); // cluster 3
    m.write_packet(v, &packet(&[5], 100_000, false), &mut s).unwrap();
    m.finish(&mut s).unwrap();
    let p = parse(&s.image);
    let tcs: Vec<u64> = p.clusters.iter().map(|c| c.2).collect();
    assert_eq!(tcs, vec![0, 40, 80]);
    // Cues follow the video track's keyframes; the cluster before video starts is
    // indexed by its audio.
    assert_eq!(p.cues, vec![(0, 2, p.clusters[0].0), (40, 1, p.clusters[1].0)]);
    assert_eq!(p.duration, Some(120.0));
}

#[test]
fn a_video_track_that_never_starts_leaves_audio_indexed() {
    let mut m: WebmMuxer = WebmMuxer::for_container(ContainerId::WebM).unwrap();
    let v = m.add_track(&CodecConfig::video(CodecId::Vp8, 64, 48)).unwrap();
    let a = m.add_track(&opus()).unwrap();
    let _ = v;
    let mut s = MemSink::seekable();
    m.write_header(&mut s).unwrap();
    for i in 0..400u64 {
        m.write_packet(a, &packet(&[1; 20], i * 20_000, true), &mut s).unwrap();
    }
    m.finish(&mut s).unwrap();
    let p = parse(&s.image);
    assert_eq!(p.clusters.len(), 2);
    assert_eq!(p.cues.len(), 2, "each cluster indexed by the audio track");
    assert!(p.cues.iter().all(|c| c.1 == 2));
}

#[test]
fn live_and_seekable_sinks_receive_identical_writes() {
    let run = |mut sink: MemSink| {
        let mut m: WebmMuxer = WebmMuxer::default();
        let v = m.add_track(&CodecConfig::video(CodecId::Vp9, 640, 480)).unwrap();
        let a = m.add_track(&opus()).unwrap();
        m.write_header(&mut sink).unwrap();
        for i in 0..400u64 {
            let data = vec![i as u8; (i % 37) as usize];
            m.write_packet(a, &packet(&data, i * 20_000, true), &mut sink).unwrap();
            if i % 2 == 0 {
                m.write_packet(v, &packet(&data, i * 20_000 + 3_000, i % 50 == 0), &mut sink)
                    .unwrap();
            }
            if i % 97 == 0 {
                m.cut(&mut sink).unwrap();
            }
        }
        let mut last = packet(&[9; 5], 8_000_000, true);
        last.info.discard_samples = 312;
        m.write_packet(a, &last, &mut sink).unwrap();
        m.finish(&mut sink).unwrap();
        sink
    };
    let live = run(MemSink::live());
    let seekable = run(MemSink::seekable());
    assert_eq!(live.stream, seekable.stream);
    assert_eq!(live.image, live.stream);
    assert_ne!(seekable.image, seekable.stream);

    let pl = parse(&live.image);
    let ps = parse(&seekable.image);
    assert_eq!(pl.blocks, ps.blocks);
    assert_eq!(pl.segment_size, None);
    assert!(pl.clusters.iter().all(|c| c.1.is_none()));
    assert_eq!((pl.duration, pl.cues.len(), pl.seeks.len()), (None, 0, 0));

    assert_eq!(ps.segment_size, Some(seekable.image.len() as u64 - ps.segment_data));
    assert!(ps.clusters.iter().all(|c| c.1.is_some()));
    // 8020 ms of packets, less 6.5 ms codec delay and 312 trimmed samples (6.5 ms).
    assert_eq!(ps.duration, Some(8007.0));
    // Video keyframes every 50 packets, plus the first cluster, indexed by audio before
    // video starts.
    assert_eq!(ps.cues.len(), 9);
    let by_id = |id| ps.seeks.iter().find(|s| s.0 == id).unwrap().1 + ps.segment_data;
    let top_at = |id| {
        let mut r = Reader::new(&seekable.image[by_id(id) as usize..], by_id(id));
        r.next_header().unwrap().unwrap().id
    };
    assert_eq!(top_at(ids::INFO), ids::INFO);
    assert_eq!(top_at(ids::TRACKS), ids::TRACKS);
    assert_eq!(top_at(ids::CUES), ids::CUES);
    let last = ps.blocks.last().unwrap();
    assert_eq!(last.discard_ns, Some(6_500_000));
}

#[test]
fn seek_head_fits_and_the_filler_void_is_valid_for_every_position_width() {
    // Positions whose SeekPosition needs 1..=8 bytes, for 2 or 3 entries.
    let widths = |w: u32| if w == 1 { 5 } else { (1u64 << (8 * (w - 1))) + 1 };
    let mut sizes = std::collections::BTreeSet::new();
    for info_w in 1..=8u32 {
        for tracks_w in 1..=8u32 {
            for cues_w in 0..=8u32 {
                let mut m: WebmMuxer<4> = WebmMuxer::default();
                m.layout.segment_data = 100;
                m.layout.info = 100 + widths(info_w);
                m.layout.tracks = 100 + widths(tracks_w);
                let cues = (cues_w > 0).then(|| 100 + widths(cues_w));
                let mut out = [0xAAu8; SEEK_HEAD_RESERVE as usize];
                m.seek_head(cues, &mut out).unwrap();
                let mut r = Reader::new(&out, 0);
                let sh = r.next_header().unwrap().unwrap();
                assert_eq!(sh.id, ids::SEEK_HEAD);
                assert!(sh.end().unwrap() <= SEEK_HEAD_MAX);
                sizes.insert(sh.end().unwrap());
                r.skip_data(&sh).unwrap();
                let void = r.next_header().unwrap().unwrap();
                assert_eq!(void.id, ids::VOID);
                assert_eq!(void.end(), Some(SEEK_HEAD_RESERVE));
                r.skip_data(&void).unwrap();
                assert_eq!(r.next_header(), Ok(None));
            }
        }
    }
    assert_eq!(*sizes.last().unwrap(), SEEK_HEAD_MAX);
}

#[test]
fn discard_padding_is_rounded_nanoseconds_in_a_block_group() {
    let (mut m, t) = audio_muxer();
    let mut s = MemSink::live();
    m.write_header(&mut s).unwrap();
    for (i, n) in [1u32, 648, 959].into_iter().enumerate() {
        let mut p = packet(&[1, 2, 3], i as u64 * 20_000, true);
        p.info.discard_samples = n;
        m.write_packet(t, &p, &mut s).unwrap();
    }
    let p = parse(&s.stream);
    let ns: Vec<Option<i64>> = p.blocks.iter().map(|b| b.discard_ns).collect();
    // 1/48000 s = 20833.33 ns; 648 → 13.5 ms; 959 → 19979166.67 ns.
    assert_eq!(ns, vec![Some(20_833), Some(13_500_000), Some(19_979_167)]);
    assert!(p.blocks.iter().all(|b| b.data == [1, 2, 3]));
}

#[test]
fn overhead_and_finish_bounds_hold() {
    let mut m: WebmMuxer<16> = WebmMuxer::default();
    let t = m.add_track(&opus()).unwrap();
    let mut s = MemSink::seekable();
    m.write_header(&mut s).unwrap();
    let big = vec![0u8; 70_000];
    for i in 0..400u64 {
        let data = if i % 3 == 0 { &big[..] } else { &big[..(i as usize % 200)] };
        let mut p = packet(data, i * 1_000_000, true);
        p.info.discard_samples = (i % 2) as u32 * 960;
        let before = s.stream.len();
        m.cut(&mut s).unwrap();
        m.write_packet(t, &p, &mut s).unwrap();
        assert!(s.stream.len() - before - data.len() <= m.max_packet_overhead());
    }
    let patched = s.patched_bytes;
    m.finish(&mut s).unwrap();
    assert!(s.patched_bytes - patched <= m.max_finish_len());
    assert_eq!(m.cue_count(), 13); // thinned from 400 clusters at most twice per fill
}

#[test]
fn cue_index_thins_evenly_when_full() {
    let mut m: WebmMuxer<4> = WebmMuxer::default();
    let t = m.add_track(&opus()).unwrap();
    let mut s = MemSink::seekable();
    m.write_header(&mut s).unwrap();
    for i in 0..9u64 {
        m.cut(&mut s).unwrap();
        m.write_packet(t, &packet(&[1], i * 1_000_000, true), &mut s).unwrap();
    }
    m.finish(&mut s).unwrap();
    let p = parse(&s.image);
    let times: Vec<u64> = p.cues.iter().map(|c| c.0).collect();
    // 0..=3 fill it; thinning keeps 0, 2 and then takes 4, 6; again: 0, 4, then 8.
    assert_eq!(times, vec![0, 4000, 8000]);
    assert_eq!(p.clusters.len(), 9);

    let mut none: WebmMuxer<0> = WebmMuxer::default();
    let t = none.add_track(&opus()).unwrap();
    let mut s = MemSink::seekable();
    none.write_header(&mut s).unwrap();
    none.write_packet(t, &packet(&[1], 0, true), &mut s).unwrap();
    none.finish(&mut s).unwrap();
    let p = parse(&s.image);
    assert!(p.cues.is_empty());
    assert_eq!(p.seeks.iter().map(|s| s.0).collect::<Vec<_>>(), vec![ids::INFO, ids::TRACKS]);
}

#[test]
fn state_and_input_errors_are_typed() {
    let mut m: WebmMuxer = WebmMuxer::default();
    let mut s = MemSink::live();
    assert_eq!(m.write_header(&mut s), Err(WebmError::NoTracks));
    assert_eq!(m.finish(&mut s), Err(WebmError::HeaderNotWritten));
    let mut bad = opus();
    bad.channels = 0;
    assert_eq!(m.add_track(&bad), Err(WebmError::InvalidTrackConfig));
    assert_eq!(
        m.add_track(&CodecConfig::video(CodecId::Vp8, 0, 10)),
        Err(WebmError::InvalidTrackConfig)
    );
    let t = m.add_track(&opus()).unwrap();
    assert_eq!(m.write_packet(t, &packet(&[1], 0, true), &mut s), Err(WebmError::HeaderNotWritten));
    m.write_header(&mut s).unwrap();
    assert_eq!(m.add_track(&opus()), Err(WebmError::HeaderAlreadyWritten));
    assert_eq!(m.write_header(&mut s), Err(WebmError::HeaderAlreadyWritten));
    assert_eq!(
        m.write_packet(MuxTrack(0), &packet(&[1], 0, true), &mut s),
        Err(WebmError::UnknownTrack(MuxTrack(0)))
    );
    assert_eq!(
        m.write_packet(MuxTrack(2), &packet(&[1], 0, true), &mut s),
        Err(WebmError::UnknownTrack(MuxTrack(2)))
    );
    m.write_packet(t, &packet(&[1], 40_000, true), &mut s).unwrap();
    assert_eq!(
        m.write_packet(t, &packet(&[1], 39_999, true), &mut s),
        Err(WebmError::NonMonotonic(t))
    );
    m.finish(&mut s).unwrap();
    assert_eq!(m.finish(&mut s), Err(WebmError::Finished));
    assert_eq!(m.cut(&mut s), Err(WebmError::Finished));

    let mut full: WebmMuxer = WebmMuxer::default();
    for _ in 0..crate::MAX_TRACKS {
        full.add_track(&opus()).unwrap();
    }
    assert_eq!(full.add_track(&opus()), Err(WebmError::TooManyTracks));
    assert!(WebmMuxer::<4>::for_container(ContainerId::Ogg).is_err());
    assert_eq!(
        WebmMuxer::<4>::for_container(ContainerId::Matroska).unwrap().options().doc_type,
        DocType::Matroska
    );
}

#[test]
fn a_full_sink_is_reported_and_header_describes_tracks() {
    let mut m: WebmMuxer = WebmMuxer::default();
    let mut pcm = CodecConfig::audio(CodecId::PcmS16, 44_100, 1);
    pcm.bit_depth = 0;
    m.add_track(&pcm).unwrap();
    let mut small = [0u8; 20];
    let mut s = SliceSink::new(&mut small);
    assert!(matches!(m.write_header(&mut s), Err(WebmError::Write(_))));

    let mut m: WebmMuxer = WebmMuxer::new(WebmOptions::new(DocType::Matroska));
    m.add_track(&pcm).unwrap();
    m.add_track(&opus()).unwrap();
    let mut s = MemSink::live();
    m.write_header(&mut s).unwrap();
    let mut leaves = Vec::new();
    walk_leaves(&mut Reader::new(&s.stream, 0), &mut |id, d| leaves.push((id, d.to_vec())));
    let find = |id| leaves.iter().filter(|l| l.0 == id).map(|l| l.1.clone()).collect::<Vec<_>>();
    assert_eq!(find(ids::DOC_TYPE), vec![b"matroska".to_vec()]);
    assert_eq!(find(ids::CODEC_ID), vec![b"A_PCM/INT/LIT".to_vec(), b"A_OPUS".to_vec()]);
    assert_eq!(find(ids::BIT_DEPTH), vec![vec![16]]);
    assert_eq!(find(ids::CODEC_DELAY), vec![vec![0x63, 0x2E, 0xA0]]);
    assert_eq!(find(ids::SEEK_PRE_ROLL), vec![vec![0x04, 0xC4, 0xB4, 0x00]]);
    assert_eq!(find(ids::CODEC_PRIVATE).len(), 1);
    assert_eq!(find(ids::MUXING_APP), vec![b"mediarec".to_vec()]);
    assert_eq!(find(ids::TIMESTAMP_SCALE), vec![vec![0x0F, 0x42, 0x40]]);
    assert_eq!(find(ids::VOID).iter().map(Vec::len).collect::<Vec<_>>(), vec![68, 9]);
}
