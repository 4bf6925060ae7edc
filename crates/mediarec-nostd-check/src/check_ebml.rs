//! `mediarec-ebml`: write an EBML header, read it back.

use mediarec_core::SliceSink;
use mediarec_ebml::{Reader, ids, read_str, read_uint, write_master, write_string, write_uint};

use crate::ensure;

pub fn run() -> Result<(), &'static str> {
    let mut buf = [0u8; 64];
    let mut sink = SliceSink::new(&mut buf);
    write_master(&mut sink, ids::EBML, |s| {
        write_uint(s, ids::EBML_VERSION, 1)?;
        write_string(s, ids::DOC_TYPE, core::hint::black_box("webm"))
    })
    .map_err(|_| "write_master of an EBML header")?;

    let mut top = Reader::new(sink.written(), 0);
    let header = top.next_header().map_err(|_| "read the EBML header")?;
    let header = header.ok_or("no element in what was written")?;
    ensure(header.id == ids::EBML, "first element is not EBML")?;
    let (mut version, mut doc_type) = (None, None);
    let mut body = top.enter(&header);
    while let Some(h) = body.next_header().map_err(|_| "read a child of EBML")? {
        let data = body.read_data(&h).map_err(|_| "read child data")?;
        match h.id {
            ids::EBML_VERSION => version = read_uint(data).ok(),
            ids::DOC_TYPE => doc_type = read_str(data).ok(),
            _ => {}
        }
    }
    ensure(version == Some(1), "EBMLVersion read back")?;
    ensure(doc_type == Some("webm"), "DocType read back")?;
    top.skip_data(&header).map_err(|_| "skip the EBML header")?;
    ensure(matches!(top.next_header(), Ok(None)), "bytes after the EBML header")
}
