//! Walks arbitrary bytes as an EBML document with `mediarec-ebml`'s reader, descending
//! into every master (known or unknown size) and decoding every leaf by its type. The
//! reader must never panic, loop, or report a position outside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediarec_ebml::ids::{self, ElementKind};
use mediarec_ebml::{BlockHeader, Header, Reader, read_float, read_int, read_str, read_uint};

/// Deep enough for Matroska (Segment/Tracks/TrackEntry/Audio/…), small enough to bound
/// stack use on hostile nesting.
const MAX_DEPTH: usize = 16;

fn walk(r: &mut Reader<'_>, len: u64, depth: usize) {
    loop {
        let before = r.position();
        let h = match r.next_header() {
            Ok(Some(h)) => h,
            Ok(None) | Err(_) => return,
        };
        assert!(r.position() > before, "next_header must consume the header");
        assert!(h.data_offset() <= len);
        if ids::kind(h.id) == Some(ElementKind::Master) && depth < MAX_DEPTH {
            let mut child = r.enter(&h);
            walk(&mut child, len, depth + 1);
            if r.leave(&child).is_err() {
                return;
            }
        } else if !leaf(r, &h) {
            return;
        }
        assert!(r.position() <= len);
    }
}

fn leaf(r: &mut Reader<'_>, h: &Header) -> bool {
    let Ok(data) = r.read_data(h) else {
        return false;
    };
    match ids::kind(h.id) {
        Some(ElementKind::Uint) => {
            let _ = read_uint(data);
        }
        Some(ElementKind::Int) => {
            let _ = read_int(data);
        }
        Some(ElementKind::Float) => {
            let _ = read_float(data);
        }
        Some(ElementKind::String) => {
            let _ = read_str(data);
        }
        _ if h.id == ids::SIMPLE_BLOCK || h.id == ids::BLOCK => {
            if let Ok(b) = BlockHeader::parse(data) {
                assert!(b.len <= data.len());
            }
        }
        _ => {}
    }
    true
}

fuzz_target!(|data: &[u8]| {
    let len = data.len() as u64;
    let mut top = Reader::new(data, 0);
    walk(&mut top, len, 0);
    // The header parser alone, at every offset of a short prefix.
    for start in 0..data.len().min(64) {
        if let Ok(h) = Header::parse(&data[start..], start as u64) {
            assert!(h.header_len >= 2 && h.header_len <= 12);
        }
    }
});
