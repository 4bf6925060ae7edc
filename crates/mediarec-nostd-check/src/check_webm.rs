//! `mediarec-webm`: a seekable 200 ms Opus WebM in a stack buffer, walked with the EBML reader.

use core::hint::black_box;

use mediarec_core::{CodecConfig, CodecId, Duration, Muxer, Packet, PacketInfo, SliceSink};
use mediarec_ebml::{Header, Reader, ids, read_float, read_str};
use mediarec_webm::WebmMuxer;

use crate::ensure;

const PACKETS: u64 = 10;

pub fn run() -> Result<(), &'static str> {
    let mut storage = [0u8; 4096];
    let mut sink = SliceSink::new(&mut storage);
    let mut muxer: WebmMuxer = WebmMuxer::default();
    let track = muxer
        .add_track(&CodecConfig::audio(CodecId::Opus, 48_000, 2))
        .map_err(|_| "add an Opus track")?;
    muxer.write_header(&mut sink).map_err(|_| "write the header")?;
    for i in 0..PACKETS {
        let info = PacketInfo {
            len: 3,
            pts: Duration::from_millis(20 * i),
            duration: Duration::from_millis(20),
            keyframe: true,
            discard_samples: 0,
        };
        let packet = Packet { data: black_box(&[0xFC, 0xFF, 0xFE]), info };
        muxer.write_packet(track, &packet, &mut sink).map_err(|_| "write a packet")?;
    }
    muxer.finish(&mut sink).map_err(|_| "finish")?;
    ensure(muxer.duration() == Duration::from_millis(200), "muxer duration")?;

    let file = sink.written();
    let mut top = Reader::new(file, 0);
    let ebml = next(&mut top)?;
    ensure(ebml.id == ids::EBML, "the file does not start with an EBML header")?;
    ensure(child_str(&top, &ebml, ids::DOC_TYPE)? == Some("webm"), "DocType is not webm")?;
    top.skip_data(&ebml).map_err(|_| "skip the EBML header")?;
    let segment = next(&mut top)?;
    ensure(segment.id == ids::SEGMENT, "no Segment after the EBML header")?;
    // A patchable sink gets a known Segment size that ends exactly at the end of the file.
    ensure(segment.end() == Some(file.len() as u64), "Segment size")?;

    let (mut duration_ms, mut blocks) = (None, 0);
    let mut children = top.enter(&segment);
    while let Some(h) = children.next_header().map_err(|_| "read a Segment child")? {
        match h.id {
            ids::INFO => {
                let mut info = children.enter(&h);
                while let Some(i) = info.next_header().map_err(|_| "read an Info child")? {
                    let data = info.read_data(&i).map_err(|_| "read Info data")?;
                    if i.id == ids::DURATION {
                        duration_ms = read_float(data).ok();
                    }
                }
            }
            ids::CLUSTER => {
                let mut cluster = children.enter(&h);
                while let Some(c) = cluster.next_header().map_err(|_| "read a Cluster child")? {
                    blocks += u64::from(matches!(c.id, ids::SIMPLE_BLOCK | ids::BLOCK_GROUP));
                    cluster.skip_data(&c).map_err(|_| "skip a Cluster child")?;
                }
            }
            _ => {}
        }
        children.skip_data(&h).map_err(|_| "skip a Segment child")?;
    }
    ensure(blocks == PACKETS, "blocks in the Clusters")?;
    ensure(duration_ms.is_some_and(|d| d > 199.5 && d < 200.5), "Info Duration is not 200 ms")
}

fn next(reader: &mut Reader<'_>) -> Result<Header, &'static str> {
    reader.next_header().map_err(|_| "read a top-level element")?.ok_or("the file ended early")
}

/// The string child `id` of the master `parent`.
fn child_str<'a>(
    reader: &Reader<'a>,
    parent: &Header,
    id: u32,
) -> Result<Option<&'a str>, &'static str> {
    let mut children = reader.enter(parent);
    while let Some(h) = children.next_header().map_err(|_| "read a child")? {
        let data = children.read_data(&h).map_err(|_| "read child data")?;
        if h.id == id {
            return Ok(read_str(data).ok());
        }
    }
    Ok(None)
}
