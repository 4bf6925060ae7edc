//! Test support: a memory sink that can patch, and the Matroska subset ebml-iterable needs
//! to read our files.
#![allow(dead_code, clippy::unwrap_used)]

use ebml_iterable::TagIterator;
use ebml_iterable::specs::{EbmlSpecification, EbmlTag, Master, PathPart, TagDataType};
use mediarec_core::{ByteSink, SinkError};
use mediarec_ebml::{BlockHeader, ids};

/// Keeps what was written (the stream a live consumer sees) and the file image after
/// patches (what a seekable file holds).
#[derive(Default)]
pub struct MemSink {
    pub stream: Vec<u8>,
    pub image: Vec<u8>,
    pub patchable: bool,
}

impl MemSink {
    pub fn seekable() -> Self {
        MemSink { patchable: true, ..Default::default() }
    }
    pub fn live() -> Self {
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
        let start = usize::try_from(offset).map_err(|_| SinkError::Io)?;
        if start > self.image.len() {
            return Err(SinkError::Io);
        }
        let end = start + bytes.len();
        if end > self.image.len() {
            self.image.resize(end, 0);
        }
        self.image[start..end].copy_from_slice(bytes);
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tag {
    M(u64, Master<Tag>),
    U(u64, u64),
    I(u64, i64),
    F(u64, f64),
    S(u64, String),
    B(u64, Vec<u8>),
    Raw(u64, Vec<u8>),
}

const fn id(v: u32) -> PathPart {
    PathPart::Id(v as u64)
}

const EBML_P: &[PathPart] = &[id(ids::EBML)];
const SEG: &[PathPart] = &[id(ids::SEGMENT)];
const SH: &[PathPart] = &[id(ids::SEGMENT), id(ids::SEEK_HEAD)];
const SEEK: &[PathPart] = &[id(ids::SEGMENT), id(ids::SEEK_HEAD), id(ids::SEEK)];
const INFO: &[PathPart] = &[id(ids::SEGMENT), id(ids::INFO)];
const TRACKS: &[PathPart] = &[id(ids::SEGMENT), id(ids::TRACKS)];
const TE: &[PathPart] = &[id(ids::SEGMENT), id(ids::TRACKS), id(ids::TRACK_ENTRY)];
const AUDIO: &[PathPart] =
    &[id(ids::SEGMENT), id(ids::TRACKS), id(ids::TRACK_ENTRY), id(ids::AUDIO)];
const VIDEO: &[PathPart] =
    &[id(ids::SEGMENT), id(ids::TRACKS), id(ids::TRACK_ENTRY), id(ids::VIDEO)];
const CL: &[PathPart] = &[id(ids::SEGMENT), id(ids::CLUSTER)];
const BG: &[PathPart] = &[id(ids::SEGMENT), id(ids::CLUSTER), id(ids::BLOCK_GROUP)];
const CUES: &[PathPart] = &[id(ids::SEGMENT), id(ids::CUES)];
const CP: &[PathPart] = &[id(ids::SEGMENT), id(ids::CUES), id(ids::CUE_POINT)];
const CTP: &[PathPart] =
    &[id(ids::SEGMENT), id(ids::CUES), id(ids::CUE_POINT), id(ids::CUE_TRACK_POSITIONS)];
const GLOBAL: &[PathPart] = &[PathPart::Global((None, None))];

use TagDataType::{
    Binary as B, Float as F, Integer as I, Master as M, UnsignedInt as U, Utf8 as S,
};

const SPEC: &[(u32, TagDataType, &[PathPart])] = &[
    (ids::EBML, M, &[]),
    (ids::EBML_VERSION, U, EBML_P),
    (ids::EBML_READ_VERSION, U, EBML_P),
    (ids::EBML_MAX_ID_LENGTH, U, EBML_P),
    (ids::EBML_MAX_SIZE_LENGTH, U, EBML_P),
    (ids::DOC_TYPE, S, EBML_P),
    (ids::DOC_TYPE_VERSION, U, EBML_P),
    (ids::DOC_TYPE_READ_VERSION, U, EBML_P),
    (ids::VOID, B, GLOBAL),
    (ids::SEGMENT, M, &[]),
    (ids::SEEK_HEAD, M, SEG),
    (ids::SEEK, M, SH),
    (ids::SEEK_ID, B, SEEK),
    (ids::SEEK_POSITION, U, SEEK),
    (ids::INFO, M, SEG),
    (ids::TIMESTAMP_SCALE, U, INFO),
    (ids::DURATION, F, INFO),
    (ids::MUXING_APP, S, INFO),
    (ids::WRITING_APP, S, INFO),
    (ids::TRACKS, M, SEG),
    (ids::TRACK_ENTRY, M, TRACKS),
    (ids::TRACK_NUMBER, U, TE),
    (ids::TRACK_UID, U, TE),
    (ids::TRACK_TYPE, U, TE),
    (ids::FLAG_LACING, U, TE),
    (ids::CODEC_ID, S, TE),
    (ids::CODEC_PRIVATE, B, TE),
    (ids::CODEC_DELAY, U, TE),
    (ids::SEEK_PRE_ROLL, U, TE),
    (ids::AUDIO, M, TE),
    (ids::SAMPLING_FREQUENCY, F, AUDIO),
    (ids::CHANNELS, U, AUDIO),
    (ids::BIT_DEPTH, U, AUDIO),
    (ids::VIDEO, M, TE),
    (ids::PIXEL_WIDTH, U, VIDEO),
    (ids::PIXEL_HEIGHT, U, VIDEO),
    (ids::CLUSTER, M, SEG),
    (ids::CLUSTER_TIMESTAMP, U, CL),
    (ids::SIMPLE_BLOCK, B, CL),
    (ids::BLOCK_GROUP, M, CL),
    (ids::BLOCK, B, BG),
    (ids::DISCARD_PADDING, I, BG),
    (ids::CUES, M, SEG),
    (ids::CUE_POINT, M, CUES),
    (ids::CUE_TIME, U, CP),
    (ids::CUE_TRACK_POSITIONS, M, CP),
    (ids::CUE_TRACK, U, CTP),
    (ids::CUE_CLUSTER_POSITION, U, CTP),
];

fn entry(id: u64) -> Option<&'static (u32, TagDataType, &'static [PathPart])> {
    SPEC.iter().find(|e| u64::from(e.0) == id)
}

impl EbmlSpecification<Tag> for Tag {
    fn get_tag_data_type(id: u64) -> Option<TagDataType> {
        entry(id).map(|e| e.1)
    }
    fn get_path_by_id(id: u64) -> &'static [PathPart] {
        entry(id).map_or(&[], |e| e.2)
    }
    fn get_unsigned_int_tag(id: u64, data: u64) -> Option<Tag> {
        Some(Tag::U(id, data))
    }
    fn get_signed_int_tag(id: u64, data: i64) -> Option<Tag> {
        Some(Tag::I(id, data))
    }
    fn get_utf8_tag(id: u64, data: String) -> Option<Tag> {
        Some(Tag::S(id, data))
    }
    fn get_binary_tag(id: u64, data: &[u8]) -> Option<Tag> {
        Some(Tag::B(id, data.to_vec()))
    }
    fn get_float_tag(id: u64, data: f64) -> Option<Tag> {
        Some(Tag::F(id, data))
    }
    fn get_master_tag(id: u64, data: Master<Tag>) -> Option<Tag> {
        Some(Tag::M(id, data))
    }
    fn get_raw_tag(id: u64, data: &[u8]) -> Tag {
        Tag::Raw(id, data.to_vec())
    }
}

impl EbmlTag<Tag> for Tag {
    fn get_id(&self) -> u64 {
        match self {
            Tag::M(id, _)
            | Tag::U(id, _)
            | Tag::I(id, _)
            | Tag::F(id, _)
            | Tag::S(id, _)
            | Tag::B(id, _)
            | Tag::Raw(id, _) => *id,
        }
    }
    fn as_unsigned_int(&self) -> Option<&u64> {
        if let Tag::U(_, v) = self { Some(v) } else { None }
    }
    fn as_signed_int(&self) -> Option<&i64> {
        if let Tag::I(_, v) = self { Some(v) } else { None }
    }
    fn as_utf8(&self) -> Option<&str> {
        if let Tag::S(_, v) = self { Some(v) } else { None }
    }
    fn as_binary(&self) -> Option<&[u8]> {
        if let Tag::B(_, v) = self { Some(v) } else { None }
    }
    fn as_float(&self) -> Option<&f64> {
        if let Tag::F(_, v) = self { Some(v) } else { None }
    }
    fn as_master(&self) -> Option<&Master<Tag>> {
        if let Tag::M(_, v) = self { Some(v) } else { None }
    }
}

/// A block as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub track: u64,
    pub time_ms: i64,
    pub keyframe: bool,
    pub data: Vec<u8>,
    pub discard_ns: Option<i64>,
}

/// What ebml-iterable finds in a file.
#[derive(Debug, Default)]
pub struct Summary {
    pub blocks: Vec<Block>,
    pub cluster_times: Vec<u64>,
    pub duration: Option<f64>,
    pub cue_times: Vec<u64>,
    pub tags: usize,
}

/// Reads `bytes` with ebml-iterable; any error fails the test.
pub fn read_with_ebml_iterable(bytes: &[u8]) -> Summary {
    let mut out = Summary::default();
    let mut timecode = 0i64;
    let group = Tag::M(u64::from(ids::BLOCK_GROUP), Master::Start);
    for tag in TagIterator::<_, Tag>::new(bytes, &[group]) {
        let tag = tag.unwrap();
        out.tags += 1;
        match tag {
            Tag::U(id, v) if id == u64::from(ids::CLUSTER_TIMESTAMP) => {
                timecode = v as i64;
                out.cluster_times.push(v);
            }
            Tag::U(id, v) if id == u64::from(ids::CUE_TIME) => out.cue_times.push(v),
            Tag::F(id, v) if id == u64::from(ids::DURATION) => out.duration = Some(v),
            Tag::B(id, d) if id == u64::from(ids::SIMPLE_BLOCK) => {
                out.blocks.push(block(&d, timecode, None, true));
            }
            Tag::M(id, Master::Full(children)) if id == u64::from(ids::BLOCK_GROUP) => {
                let mut data = None;
                let mut discard = None;
                for c in children {
                    match c {
                        Tag::B(_, d) => data = Some(d),
                        Tag::I(_, v) => discard = Some(v),
                        other => panic!("unexpected {other:?} in BlockGroup"),
                    }
                }
                out.blocks.push(block(&data.unwrap(), timecode, discard, false));
            }
            Tag::Raw(id, _) => panic!("unknown element {id:#x}"),
            _ => {}
        }
    }
    out
}

fn block(d: &[u8], timecode: i64, discard_ns: Option<i64>, simple: bool) -> Block {
    let h = BlockHeader::parse(d).unwrap();
    assert_eq!(h.lacing(), 0);
    Block {
        track: h.track,
        time_ms: timecode + i64::from(h.timestamp),
        keyframe: if simple { h.is_keyframe() } else { true },
        data: d[h.len..].to_vec(),
        discard_ns,
    }
}
