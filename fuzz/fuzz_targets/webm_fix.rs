//! Arbitrary bytes through `mediarec::fix` into an in-memory patching sink, with small
//! buffers so refills, oversized elements and resynchronisation are all exercised. `fix`
//! must never panic; whatever it writes must read back as a clean file whose repair
//! keeps every frame.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use mediarec::{FixOptions, fix, fix_with, inspect_matroska};

fuzz_target!(|data: &[u8]| {
    // Inspecting never fails on EBML input and never panics on anything.
    let _ = inspect_matroska(data);
    let options = FixOptions { read_buffer: 64, max_element: 64 * 1024 };
    let Ok((report, out)) = fix_with(data, Cursor::new(Vec::new()), &options) else { return };
    let bytes = out.into_inner();
    assert_eq!(report.bytes_written, bytes.len() as u64);
    let s = inspect_matroska(&bytes[..]).expect("fix output starts with an EBML header");
    assert!(s.segment_size_known && s.clusters_unknown_size == 0);
    assert_eq!(s.bytes_dropped, 0, "{:?}", s.problems);
    assert!(s.problems.iter().all(|p| !p.loses_data()), "{:?}", s.problems);
    assert_eq!(s.blocks, report.frames);
    // Cues need a keyframe of the cue track (the first video track), which arbitrary
    // input may lack; a Duration is always written.
    assert!(s.declared_duration.is_some());
    let mut again = Cursor::new(Vec::new());
    let second = fix(&bytes[..], &mut again).expect("fix output can be fixed again");
    assert_eq!(second.frames, report.frames);
});
