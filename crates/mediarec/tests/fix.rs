//! `fix` and `inspect_matroska` on real browser recordings, on our own live files cut at
//! every byte, and on damaged, hand-built and large inputs.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Cursor;

use mediarec::{FixError, FixOptions, MatroskaSummary, Problem, fix, fix_with, inspect_matroska};
use mediarec_core::{
    ByteSink, CodecConfig, CodecId, CodecPrivate, Duration, Muxer, Packet, PacketInfo, SinkError,
};
use mediarec_ebml::{
    ids, write_binary, write_float, write_master, write_string, write_uint,
    write_unknown_size_header,
};
use mediarec_webm::WebmMuxer;

const CHROMIUM_AUDIO: &[u8] = include_bytes!("data/chromium-opus-timeslice250.webm");
const CHROMIUM_AV: &[u8] = include_bytes!("data/chromium-vp8-opus-timeslice500.webm");
const CHROMIUM_CUT: &[u8] = include_bytes!("data/chromium-vp8-opus-cut.webm");

/// A sink that cannot patch: what a live recording (or a crash) leaves.
#[derive(Default)]
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

fn fixed(input: &[u8]) -> (mediarec::FixReport, Vec<u8>) {
    let mut out = Cursor::new(Vec::new());
    let report = fix(input, &mut out).unwrap();
    (report, out.into_inner())
}

fn summary(bytes: &[u8]) -> MatroskaSummary {
    inspect_matroska(bytes).unwrap()
}

/// A fixed file must read back clean: seekable, sizes known, nothing dropped.
fn assert_clean(bytes: &[u8]) -> MatroskaSummary {
    let s = summary(bytes);
    assert!(s.is_seekable() || s.blocks == 0, "{s:?}");
    assert!(s.segment_size_known && s.clusters_unknown_size == 0);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(s.bytes_dropped, 0);
    let declared = s.declared_duration.unwrap();
    assert!((declared - s.media_seconds()).abs() < 0.002, "{declared} vs {}", s.media_seconds());
    s
}

fn opus_config() -> CodecConfig {
    let mut c = CodecConfig::audio(CodecId::Opus, 48_000, 2);
    c.private = CodecPrivate::new(b"OpusHead\x01\x02\x38\x01\x80\xbb\0\0\0\0\0").unwrap();
    c.codec_delay = Duration::from_micros(6_500);
    c.seek_preroll = Duration::from_millis(80);
    c
}

fn info(pts_ms: u64, dur_ms: u64, keyframe: bool) -> PacketInfo {
    PacketInfo {
        len: 0,
        pts: Duration::from_millis(pts_ms),
        duration: Duration::from_millis(dur_ms),
        keyframe,
        discard_samples: 0,
    }
}

/// Our own recording, 3 s of Opus (20 ms CELT packets) plus VP8-like frames at irregular
/// intervals, written live (unknown sizes, no Duration, no Cues).
fn our_live_av() -> Vec<u8> {
    let mut mux: WebmMuxer = WebmMuxer::default();
    let video = mux.add_track(&CodecConfig::video(CodecId::Vp8, 64, 48)).unwrap();
    let audio = mux.add_track(&opus_config()).unwrap();
    let mut out = Live::default();
    mux.write_header(&mut out).unwrap();
    let opus = [0xFC, 1, 2, 3, 4, 5, 6, 7];
    let mut v_times = vec![0u64];
    while *v_times.last().unwrap() < 2_900 {
        let last = *v_times.last().unwrap();
        v_times.push(last + 33 + (last / 33) % 7);
    }
    let mut vi = 0;
    for a in 0..150u64 {
        let t = a * 20;
        while vi < v_times.len() && v_times[vi] <= t {
            let key = vi % 30 == 0;
            let frame = vec![vi as u8; 200 + vi];
            let mut i = info(v_times[vi], 33, key);
            i.len = frame.len();
            mux.write_packet(video, &Packet { data: &frame, info: i }, &mut out).unwrap();
            vi += 1;
        }
        let mut i = info(t, 20, true);
        i.len = opus.len();
        if a == 149 {
            i.discard_samples = 300;
        }
        mux.write_packet(audio, &Packet { data: &opus, info: i }, &mut out).unwrap();
    }
    mux.finish(&mut out).unwrap();
    out.0
}

#[test]
fn chromium_timesliced_recordings_become_seekable() {
    for input in [CHROMIUM_AUDIO, CHROMIUM_AV] {
        let before = summary(input);
        assert!(!before.is_seekable() && !before.segment_size_known);
        let (report, out) = fixed(input);
        let after = assert_clean(&out);
        assert_eq!(report.frames, before.blocks);
        assert_eq!(after.blocks, before.blocks);
        assert_eq!(report.doc_type, mediarec_webm::DocType::WebM);
        // Times are kept to the millisecond, so the media end is the same.
        assert!((after.media_seconds() - before.media_seconds()).abs() < 0.001);
        assert_eq!(report.duration.as_micros() as i64, after.presentation_end_us);
        // Same frame bytes per track.
        for (a, b) in after.tracks.iter().zip(&before.tracks) {
            assert_eq!((a.blocks, a.bytes, a.first_us), (b.blocks, b.bytes, b.first_us));
            assert_eq!(a.entry.codec_id, b.entry.codec_id);
            assert_eq!(a.entry.codec_private, b.entry.codec_private);
        }
    }
}

#[test]
fn chromium_alpha_additions_are_reported() {
    let (report, _) = fixed(CHROMIUM_AV);
    assert!(
        report.input.problems.iter().any(|p| matches!(p, Problem::BlockAdditions { track: 1 }))
    );
}

#[test]
fn a_recording_cut_in_the_middle_of_an_element_drops_only_the_torn_block() {
    let whole = summary(CHROMIUM_AV);
    let (report, out) = fixed(CHROMIUM_CUT);
    let Some(Problem::Truncated { offset, dropped }) =
        report.input.problems.iter().find(|p| matches!(p, Problem::Truncated { .. })).cloned()
    else {
        panic!("{:?}", report.input.problems)
    };
    assert_eq!(offset + dropped, CHROMIUM_CUT.len() as u64);
    assert_eq!(report.bytes_dropped(), dropped);
    let after = assert_clean(&out);
    assert!(after.blocks > 50 && after.blocks < whole.blocks);
}

#[test]
fn our_live_file_cut_at_every_byte_of_its_tail_is_repaired() {
    let live = our_live_av();
    let whole = summary(&live);
    assert_eq!(whole.problems, vec![]);
    let (_, reference) = fixed(&live);
    let reference = assert_clean(&reference);
    // Every cut from just after the header to the end.
    let header_end = live.windows(4).position(|w| w == [0x1F, 0x43, 0xB6, 0x75]).unwrap();
    let mut last_blocks = 0;
    for cut in (header_end..=live.len()).step_by(7).chain([live.len()]) {
        let input = &live[..cut];
        let (report, out) = fixed(input);
        let s = assert_clean(&out);
        assert!(s.blocks >= last_blocks, "cut {cut}: blocks went down");
        last_blocks = s.blocks;
        assert_eq!(report.frames, s.blocks);
        if cut < live.len() {
            assert!(s.blocks <= reference.blocks);
        }
    }
    assert_eq!(last_blocks, reference.blocks);
}

#[test]
fn durations_come_from_the_toc_and_the_next_video_frame() {
    let live = our_live_av();
    let (report, out) = fixed(&live);
    let s = assert_clean(&out);
    // Audio: 150 × 20 ms less the codec delay and the 300 trimmed samples.
    let audio_end = 3_000_000 - 6_500 - 300 * 1_000_000 / 48_000;
    assert_eq!(report.duration, Duration::from_micros(audio_end as u64));
    let video = &s.tracks[0];
    // The last video frame lasts as long as the interval before it.
    let before = summary(&live);
    assert_eq!(video.end_us, before.tracks[0].end_us);
    // One cluster, and one cue point, per video keyframe (every 30th frame).
    assert_eq!(s.cue_points, before.tracks[0].blocks.div_ceil(30));
}

#[test]
fn fixing_twice_changes_nothing() {
    for input in [CHROMIUM_AV, CHROMIUM_AUDIO, &our_live_av()[..]] {
        let (_, once) = fixed(input);
        let (report, twice) = fixed(&once);
        assert_eq!(once, twice);
        assert!(report.input.problems.is_empty());
    }
}

fn set_duration(file: &mut [u8], value: f64) {
    // Duration: ID 44 89, size 88, 8-byte float.
    let at = file.windows(3).position(|w| w == [0x44, 0x89, 0x88]).unwrap();
    file[at + 3..at + 11].copy_from_slice(&value.to_be_bytes());
}

#[test]
fn a_firefox_style_duration_of_zero_is_replaced_by_the_real_length() {
    let (_, mut good) = fixed(&our_live_av());
    let real = summary(&good).declared_duration.unwrap();
    set_duration(&mut good, 0.0);
    let broken = summary(&good);
    assert_eq!(broken.declared_duration, Some(0.0));
    assert!(broken.problems.iter().any(|p| matches!(p, Problem::WrongDuration { .. })));
    let (report, out) = fixed(&good);
    let s = assert_clean(&out);
    assert_eq!(s.declared_duration, Some(real));
    assert!((report.duration.as_micros() as f64 / 1e6 - real).abs() < 1e-9);
}

#[test]
fn trailing_and_interior_garbage_is_skipped() {
    let live = our_live_av();
    let clean = summary(&live);
    // Garbage after a live file.
    let mut tail = live.clone();
    tail.extend(std::iter::repeat_n(0xFFu8, 5000));
    let (report, out) = fixed(&tail);
    assert_eq!(summary(&out).blocks, clean.blocks);
    assert_eq!(report.bytes_dropped(), 5000);
    // Garbage after a finished file (known Segment size): trailing data.
    let (_, mut done) = fixed(&live);
    done.extend_from_slice(b"garbage after the segment");
    let (report, _) = fixed(&done);
    assert!(matches!(report.input.problems[..], [Problem::TrailingData { len: 25, .. }]));
    // Bytes smashed inside a cluster: the reader resynchronises at the next Cluster.
    let mut smashed = live.clone();
    let second_cluster = live
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == [0x1F, 0x43, 0xB6, 0x75])
        .nth(1)
        .unwrap()
        .0;
    for b in &mut smashed[second_cluster - 300..second_cluster - 100] {
        *b = 0x00;
    }
    let (report, out) = fixed(&smashed);
    let s = assert_clean(&out);
    assert!(report.input.problems.iter().any(|p| matches!(p, Problem::Garbage { .. })));
    assert!(s.blocks < clean.blocks && s.blocks > clean.blocks - 20, "{}", s.blocks);
}

/// A hand-built document: EBML header, unknown-size Segment, Info, Tracks from `track`,
/// then `body` (clusters).
fn document(doc_type: &str, track: impl Fn(&mut dyn ByteSink), body: &[u8]) -> Vec<u8> {
    let mut out = Live::default();
    write_master(&mut out, ids::EBML, |s| write_string(s, ids::DOC_TYPE, doc_type)).unwrap();
    write_unknown_size_header(&mut out, ids::SEGMENT).unwrap();
    write_master(&mut out, ids::INFO, |s| write_uint(s, ids::TIMESTAMP_SCALE, 1_000_000)).unwrap();
    write_master(&mut out, ids::TRACKS, |s| {
        write_master(s, ids::TRACK_ENTRY, |s| {
            track(s);
            Ok(())
        })?;
        Ok(())
    })
    .unwrap();
    out.0.extend_from_slice(body);
    out.0
}

fn opus_track(s: &mut dyn ByteSink) {
    write_uint(s, ids::TRACK_NUMBER, 1).unwrap();
    write_uint(s, ids::TRACK_TYPE, 2).unwrap();
    write_string(s, ids::CODEC_ID, "A_OPUS").unwrap();
    write_binary(s, ids::CODEC_PRIVATE, b"OpusHead\x01\x01\0\0\x80\xbb\0\0\0\0\0").unwrap();
    write_master(s, ids::AUDIO, |s| {
        write_float(s, ids::SAMPLING_FREQUENCY, 48_000.0)?;
        write_uint(s, ids::CHANNELS, 1)
    })
    .unwrap();
}

fn cluster(timestamp: u64, blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Live::default();
    write_master(&mut out, ids::CLUSTER, |s| {
        write_uint(s, ids::CLUSTER_TIMESTAMP, timestamp)?;
        for b in blocks {
            write_binary(s, ids::SIMPLE_BLOCK, b)?;
        }
        Ok(())
    })
    .unwrap();
    out.0
}

#[test]
fn xiph_laced_opus_blocks_are_split_with_toc_lengths() {
    // Three 20 ms CELT frames (TOC 0xFC) of 3, 4 and 5 bytes in one Xiph-laced block.
    let mut block = vec![0x81, 0, 0, 0x80 | 0x02, 2, 3, 4];
    block.extend([0xFC, 1, 1]);
    block.extend([0xFC, 2, 2, 2]);
    block.extend([0xFC, 3, 3, 3, 3]);
    let plain = vec![0x81, 0, 60, 0x80, 0xFC, 9];
    let doc = document("webm", opus_track, &cluster(1000, &[block, plain]));
    let (report, out) = fixed(&doc);
    assert_eq!(report.frames, 4);
    let s = assert_clean(&out);
    assert_eq!(s.tracks[0].first_us, Some(1_000_000));
    assert_eq!(s.tracks[0].end_us, 1_080_000);
    assert_eq!(s.tracks[0].bytes, 3 + 4 + 5 + 2);
}

#[test]
fn unsupported_codecs_and_non_matroska_inputs_are_clear_errors() {
    let avc = |s: &mut dyn ByteSink| {
        write_uint(s, ids::TRACK_NUMBER, 1).unwrap();
        write_uint(s, ids::TRACK_TYPE, 1).unwrap();
        write_string(s, ids::CODEC_ID, "V_MPEG4/ISO/AVC").unwrap();
    };
    let doc = document("matroska", avc, &cluster(0, &[vec![0x81, 0, 0, 0x80, 1]]));
    let err = fix(&doc[..], Cursor::new(Vec::new())).unwrap_err();
    assert!(matches!(&err, FixError::UnsupportedCodec(c) if c == "V_MPEG4/ISO/AVC"), "{err}");
    assert!(matches!(fix(&b"RIFF...."[..], Cursor::new(Vec::new())), Err(FixError::NotMatroska)));
    assert!(matches!(fix(&b""[..], Cursor::new(Vec::new())), Err(FixError::NotMatroska)));
    let other = document("mka-ish", opus_track, &[]);
    assert!(matches!(
        fix(&other[..], Cursor::new(Vec::new())),
        Err(FixError::UnsupportedDocType(_))
    ));
    // EBML header and nothing else.
    let header = [0x1A, 0x45, 0xDF, 0xA3, 0x87, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm'];
    assert!(matches!(fix(&header[..], Cursor::new(Vec::new())), Err(FixError::NoSegment)));
}

#[test]
fn matroska_doc_type_is_kept_and_odd_timestamps_are_tolerated() {
    // Blocks out of order within the track, one far in the past, one of an undeclared track.
    let blocks = vec![
        vec![0x81, 0, 100, 0x80, 0xFC, 0],
        vec![0x81, 0, 80, 0x80, 0xFC, 1],      // back in time
        vec![0x82, 0, 120, 0x80, 0xFC, 2],     // track 2 does not exist
        vec![0x81, 0x0F, 0xA0, 0x80, 0xFC, 3], // +4 s: a gap
    ];
    let doc = document("matroska", opus_track, &cluster(0, &blocks));
    let (report, out) = fixed(&doc);
    assert_eq!(report.doc_type, mediarec_webm::DocType::Matroska);
    let problems = &report.input.problems;
    assert!(problems.iter().any(|p| matches!(p, Problem::TimestampBack { .. })), "{problems:?}");
    assert!(problems.iter().any(|p| matches!(p, Problem::TimestampGap { .. })), "{problems:?}");
    assert!(problems.iter().any(|p| matches!(p, Problem::UnknownTrack { track: 2, .. })));
    // The gap is the recording's own; the repaired file keeps it and nothing else.
    let s = summary(&out);
    assert!(s.is_seekable());
    assert!(matches!(s.problems[..], [Problem::TimestampGap { .. }]), "{:?}", s.problems);
    assert_eq!(s.doc_type, "matroska");
    assert_eq!(s.blocks, 3);
}

#[test]
fn memory_stays_bounded_with_a_small_buffer_and_huge_blocks_are_skipped() {
    // 40 MB of PCM in 4 KiB blocks through a 64 KiB read buffer capped at 1 MiB.
    let pcm = |s: &mut dyn ByteSink| {
        write_uint(s, ids::TRACK_NUMBER, 1).unwrap();
        write_uint(s, ids::TRACK_TYPE, 2).unwrap();
        write_string(s, ids::CODEC_ID, "A_PCM/INT/LIT").unwrap();
        write_master(s, ids::AUDIO, |s| {
            write_float(s, ids::SAMPLING_FREQUENCY, 48_000.0)?;
            write_uint(s, ids::CHANNELS, 2)?;
            write_uint(s, ids::BIT_DEPTH, 16)
        })
        .unwrap();
    };
    let mut body = Vec::new();
    let block_ms = 4096 / 4 * 1000 / 48_000; // 21 ms of audio, rounded down
    for c in 0..400u64 {
        let blocks: Vec<Vec<u8>> = (0..24u64)
            .map(|b| {
                let mut v = vec![0x81];
                v.extend(((b * 1024 * 1000 / 48_000) as i16).to_be_bytes());
                v.push(0x80);
                v.extend(std::iter::repeat_n((c + b) as u8, 4096));
                v
            })
            .collect();
        body.extend(cluster(c * 24 * 1024 * 1000 / 48_000, &blocks));
    }
    // A 2 MiB block, larger than the cap: skipped and reported.
    body.extend(cluster(
        1_000_000,
        &[vec![0x81, 0, 0, 0x80].into_iter().chain(vec![0; 2 << 20]).collect()],
    ));
    let doc = document("webm", pcm, &body);
    assert!(doc.len() > 40_000_000);
    let options = FixOptions { read_buffer: 64 * 1024, max_element: 1 << 20 };
    let (report, out) = fix_with(&doc[..], Cursor::new(Vec::new()), &options).unwrap();
    assert_eq!(report.frames, 400 * 24);
    assert!(report.input.problems.iter().any(|p| matches!(p, Problem::ElementTooLarge { .. })));
    let s = assert_clean(out.get_ref());
    let expected_us = 400 * 24 * 1024 * 1_000_000 / 48_000;
    assert!((s.presentation_end_us - expected_us).abs() <= 1_000 * (block_ms + 1));
}

#[test]
fn sparse_video_keeps_the_interleaving_with_a_bounded_wait() {
    // A screen-share-like track: frames at 0 s, 15 s and 15.5 s; audio throughout.
    let mut mux: WebmMuxer = WebmMuxer::default();
    let video = mux.add_track(&CodecConfig::video(CodecId::Vp8, 64, 48)).unwrap();
    let audio = mux.add_track(&opus_config()).unwrap();
    let mut out = Live::default();
    mux.write_header(&mut out).unwrap();
    let opus = [0xFC, 1, 2, 3];
    let mut frames = [0u64, 15_000, 15_500].into_iter().peekable();
    for a in 0..800u64 {
        let t = a * 20;
        while let Some(v) = frames.next_if(|&v| v <= t) {
            let mut i = info(v, 0, v != 15_500);
            i.len = 100;
            mux.write_packet(video, &Packet { data: &[7; 100], info: i }, &mut out).unwrap();
        }
        let mut i = info(t, 20, true);
        i.len = opus.len();
        mux.write_packet(audio, &Packet { data: &opus, info: i }, &mut out).unwrap();
    }
    let (report, fixed_bytes) = fixed(&out.0);
    assert_eq!(report.frames, 803);
    let s = assert_clean(&fixed_bytes);
    assert_eq!(s.tracks[0].blocks, 3);
    assert_eq!(s.tracks[0].end_us, 16_000_000);
    // Fixing again reads the same timeline: nothing was reordered.
    let again = summary(&fixed_bytes);
    assert_eq!(again.tracks[0].first_us, Some(0));
    assert_eq!(again.tracks[1].end_us, 16_000_000);
}

#[test]
fn a_negative_first_timestamp_shifts_the_timeline_to_zero() {
    let blocks = vec![
        vec![0x81, 0xFF, 0xF6, 0x80, 0xFC, 0], // −10 ms
        vec![0x81, 0, 10, 0x80, 0xFC, 1],
    ];
    let doc = document("webm", opus_track, &cluster(0, &blocks));
    assert_eq!(summary(&doc).tracks[0].first_us, Some(-10_000));
    let (report, out) = fixed(&doc);
    let s = assert_clean(&out);
    assert_eq!(s.tracks[0].first_us, Some(0));
    assert_eq!(s.tracks[0].end_us, 40_000);
    assert_eq!(report.duration, Duration::from_millis(40));
}
