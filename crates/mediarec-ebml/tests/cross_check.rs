//! Element trees written by our writer read back identically through our reader and
//! through `ebml-iterable`, an independent implementation; garbage and cut documents
//! never make the reader panic.
#![allow(clippy::unwrap_used)]

use ebml_iterable::TagIterator;
use ebml_iterable::specs::{EbmlSpecification, EbmlTag, Master, PathPart, TagDataType};
use mediarec_core::{ByteSink, SinkError};
use mediarec_ebml::{
    Reader, ids, read_float, read_int, read_size, read_str, read_uint, write_binary, write_float,
    write_int, write_master, write_string, write_uint, write_unknown_size_header,
};
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

// ---- the tree model ----------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Master(u32, Vec<Node>),
    Uint(u32, u64),
    Int(u32, i64),
    Float(u32, f64),
    Str(u32, String),
    Bin(u32, Vec<u8>),
}

/// Writes `node`; masters listed in `unknown` get the unknown-size marker.
fn write_node(s: &mut dyn ByteSink, node: &Node, unknown_size: bool) {
    match node {
        Node::Master(id, children) if unknown_size => {
            write_unknown_size_header(s, *id).unwrap();
            for c in children {
                write_node(s, c, false);
            }
        }
        Node::Master(id, children) => {
            write_master(s, *id, |s| {
                for c in children {
                    write_node(s, c, false);
                }
                Ok(())
            })
            .unwrap();
        }
        Node::Uint(id, v) => write_uint(s, *id, *v).unwrap(),
        Node::Int(id, v) => write_int(s, *id, *v).unwrap(),
        Node::Float(id, v) => write_float(s, *id, *v).unwrap(),
        Node::Str(id, v) => write_string(s, *id, v).unwrap(),
        Node::Bin(id, v) => write_binary(s, *id, v).unwrap(),
    }
}

/// Reads one level with our reader, typed by `ids::kind`.
fn read_level(r: &mut Reader<'_>) -> Vec<Node> {
    let mut out = Vec::new();
    while let Some(h) = r.next_header().unwrap() {
        let node = match ids::kind(h.id).unwrap() {
            ids::ElementKind::Master => {
                let mut child = r.enter(&h);
                let children = read_level(&mut child);
                r.leave(&child).unwrap();
                Node::Master(h.id, children)
            }
            kind => {
                let d = r.read_data(&h).unwrap();
                match kind {
                    ids::ElementKind::Uint => Node::Uint(h.id, read_uint(d).unwrap()),
                    ids::ElementKind::Int => Node::Int(h.id, read_int(d).unwrap()),
                    ids::ElementKind::Float => Node::Float(h.id, read_float(d).unwrap()),
                    ids::ElementKind::String => Node::Str(h.id, read_str(d).unwrap().into()),
                    _ => Node::Bin(h.id, d.to_vec()),
                }
            }
        };
        out.push(node);
    }
    out
}

// ---- a Matroska subset for ebml-iterable -------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tag {
    M(u64, Master<Tag>),
    U(u64, u64),
    I(u64, i64),
    F(u64, f64),
    S(u64, String),
    B(u64, Vec<u8>),
    Raw(u64, Vec<u8>),
}

const SEG: &[PathPart] = &[PathPart::Id(ids::SEGMENT as u64)];
const CL: &[PathPart] = &[PathPart::Id(ids::SEGMENT as u64), PathPart::Id(ids::CLUSTER as u64)];
const BG: &[PathPart] = &[
    PathPart::Id(ids::SEGMENT as u64),
    PathPart::Id(ids::CLUSTER as u64),
    PathPart::Id(ids::BLOCK_GROUP as u64),
];

const SPEC: &[(u32, TagDataType, &[PathPart])] = &[
    (ids::SEGMENT, TagDataType::Master, &[]),
    (ids::CLUSTER, TagDataType::Master, SEG),
    (ids::INFO, TagDataType::Master, SEG),
    (
        ids::MUXING_APP,
        TagDataType::Utf8,
        &[PathPart::Id(ids::SEGMENT as u64), PathPart::Id(ids::INFO as u64)],
    ),
    (
        ids::DURATION,
        TagDataType::Float,
        &[PathPart::Id(ids::SEGMENT as u64), PathPart::Id(ids::INFO as u64)],
    ),
    (ids::CLUSTER_TIMESTAMP, TagDataType::UnsignedInt, CL),
    (ids::SIMPLE_BLOCK, TagDataType::Binary, CL),
    (ids::BLOCK_GROUP, TagDataType::Master, CL),
    (ids::BLOCK, TagDataType::Binary, BG),
    (ids::DISCARD_PADDING, TagDataType::Integer, BG),
    (ids::BLOCK_DURATION, TagDataType::UnsignedInt, BG),
];

fn spec_entry(id: u64) -> Option<&'static (u32, TagDataType, &'static [PathPart])> {
    SPEC.iter().find(|e| u64::from(e.0) == id)
}

impl EbmlSpecification<Tag> for Tag {
    fn get_tag_data_type(id: u64) -> Option<TagDataType> {
        spec_entry(id).map(|e| e.1)
    }
    fn get_path_by_id(id: u64) -> &'static [PathPart] {
        spec_entry(id).map_or(&[], |e| e.2)
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

/// Rebuilds a tree from ebml-iterable's start/end events.
fn read_with_ebml_iterable(bytes: &[u8]) -> Vec<Node> {
    let mut stack: Vec<(u32, Vec<Node>)> = vec![(0, Vec::new())];
    for tag in TagIterator::<_, Tag>::new(bytes, &[]) {
        let tag = tag.unwrap();
        let node = match tag {
            Tag::M(id, Master::Start) => {
                stack.push((id as u32, Vec::new()));
                continue;
            }
            Tag::M(_, Master::End) => {
                let (id, children) = stack.pop().unwrap();
                Node::Master(id, children)
            }
            Tag::M(_, Master::Full(_)) => unreachable!("nothing is buffered"),
            Tag::U(id, v) => Node::Uint(id as u32, v),
            Tag::I(id, v) => Node::Int(id as u32, v),
            Tag::F(id, v) => Node::Float(id as u32, v),
            Tag::S(id, v) => Node::Str(id as u32, v),
            Tag::B(id, v) => Node::Bin(id as u32, v),
            Tag::Raw(id, _) => panic!("unexpected raw tag {id:#x}"),
        };
        stack.last_mut().unwrap().1.push(node);
    }
    assert_eq!(stack.len(), 1);
    stack.pop().unwrap().1
}

// ---- strategies --------------------------------------------------------------------------

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), -1e12f64..1e12, any::<u32>().prop_map(f64::from)]
}

fn block_group() -> impl Strategy<Value = Node> {
    prop::collection::vec(
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300).prop_map(|b| Node::Bin(ids::BLOCK, b)),
            any::<i64>().prop_map(|v| Node::Int(ids::DISCARD_PADDING, v)),
            any::<u64>().prop_map(|v| Node::Uint(ids::BLOCK_DURATION, v)),
        ],
        0..4,
    )
    .prop_map(|c| Node::Master(ids::BLOCK_GROUP, c))
}

fn cluster() -> impl Strategy<Value = Node> {
    prop::collection::vec(
        prop_oneof![
            any::<u64>().prop_map(|v| Node::Uint(ids::CLUSTER_TIMESTAMP, v)),
            prop::collection::vec(any::<u8>(), 0..200)
                .prop_map(|b| Node::Bin(ids::SIMPLE_BLOCK, b)),
            block_group(),
        ],
        0..8,
    )
    .prop_map(|c| Node::Master(ids::CLUSTER, c))
}

fn info() -> impl Strategy<Value = Node> {
    ("[a-zA-Z0-9 é]{0,20}", finite_f64()).prop_map(|(app, d)| {
        Node::Master(
            ids::INFO,
            vec![Node::Str(ids::MUXING_APP, app), Node::Float(ids::DURATION, d)],
        )
    })
}

/// A Segment with an Info and clusters; each cluster may be of unknown size.
fn document() -> impl Strategy<Value = (Vec<Node>, Vec<bool>, bool)> {
    (info(), prop::collection::vec((cluster(), any::<bool>()), 0..5), any::<bool>()).prop_map(
        |(info, clusters, segment_unknown)| {
            let mut children = vec![info];
            let mut unknown = vec![false];
            for (c, u) in clusters {
                children.push(c);
                unknown.push(u);
            }
            (children, unknown, segment_unknown)
        },
    )
}

fn encode(children: &[Node], unknown: &[bool], segment_unknown: bool) -> Vec<u8> {
    let mut body = VecSink(Vec::new());
    for (c, &u) in children.iter().zip(unknown) {
        write_node(&mut body, c, u);
    }
    let mut out = VecSink(Vec::new());
    if segment_unknown {
        write_unknown_size_header(&mut out, ids::SEGMENT).unwrap();
    } else {
        mediarec_ebml::write_master_header(&mut out, ids::SEGMENT, body.0.len() as u64).unwrap();
    }
    out.0.extend_from_slice(&body.0);
    out.0
}

/// Walks everything without looking at the result: the no-panic check.
fn walk(r: &mut Reader<'_>, depth: usize) -> Result<(), mediarec_ebml::ReadError> {
    while let Some(h) = r.next_header()? {
        if ids::kind(h.id) == Some(ids::ElementKind::Master) && depth < 8 {
            let mut child = r.enter(&h);
            let inner = walk(&mut child, depth + 1);
            r.leave(&child)?;
            inner?;
        } else {
            let d = r.read_data(&h)?;
            let _ = (read_uint(d), read_int(d), read_float(d), read_str(d));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn our_reader_and_ebml_iterable_read_what_we_wrote((children, unknown, seg_unknown) in document()) {
        let bytes = encode(&children, &unknown, seg_unknown);
        let expected = vec![Node::Master(ids::SEGMENT, children)];
        let ours = read_level(&mut Reader::new(&bytes, 0));
        prop_assert_eq!(&ours, &expected);
        let theirs = read_with_ebml_iterable(&bytes);
        prop_assert_eq!(&theirs, &expected);
    }

    #[test]
    fn every_prefix_reads_cleanly_or_reports_truncation(
        (children, unknown, seg_unknown) in document(),
        cut in any::<prop::sample::Index>(),
    ) {
        let bytes = encode(&children, &unknown, seg_unknown);
        let cut = cut.index(bytes.len() + 1);
        match walk(&mut Reader::new(&bytes[..cut], 0), 0) {
            Ok(()) => {}
            Err(e) => prop_assert!(e.is_truncated(), "cut {} of {}: {:?}", cut, bytes.len(), e),
        }
    }

    #[test]
    fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = walk(&mut Reader::new(&bytes, 0), 0);
    }

    #[test]
    fn size_vints_agree_with_ebml_iterable(bytes in prop::collection::vec(any::<u8>(), 1..10)) {
        let theirs = ebml_iterable::tools::read_vint(&bytes);
        match (read_size(&bytes), theirs) {
            (Ok((Some(v), w)), Ok(Some((tv, tw)))) => prop_assert_eq!((v, w), (tv, tw)),
            // ebml-iterable returns the raw all-ones value; we call it unknown.
            (Ok((None, w)), Ok(Some((tv, tw)))) => {
                prop_assert_eq!(w, tw);
                prop_assert_eq!(tv, (1u64 << (7 * w)) - 1);
            }
            (Err(e), Ok(None)) => prop_assert!(e.is_truncated()),
            (Err(e), Err(_)) => prop_assert!(!e.is_truncated()),
            (ours, theirs) => prop_assert!(false, "{:?} vs {:?}", ours, theirs),
        }
    }
}
