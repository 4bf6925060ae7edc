//! Ogg page reader on arbitrary bytes, then the same bytes re-muxed as Opus packets and
//! read back: no panics, and whatever the muxer writes reads back as the same packets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediarec_core::{
    ByteSink, CodecConfig, CodecId, Duration, Muxer, Packet, PacketInfo, SinkError,
};
use mediarec_ogg::{OggOpusMuxer, Pages};

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

fuzz_target!(|data: &[u8]| {
    // 1. Read: every page that parses has consistent packet pieces.
    for page in Pages::new(data) {
        let Ok(page) = page else { break };
        let total: usize = page.packets().map(|p| p.data.len()).sum();
        assert_eq!(total, page.body.len());
        assert!(page.completed_packets() <= page.segments.len());
    }

    // 2. Write: the packets of every page (pieces taken as whole packets) go through a
    //    muxer with a small page buffer and must come back unchanged.
    let mut mux = OggOpusMuxer::<600>::with_buffer();
    let Ok(track) = mux.add_track(&CodecConfig::audio(CodecId::Opus, 48_000, 2)) else { return };
    let mut sink = VecSink(Vec::new());
    if mux.write_header(&mut sink).is_err() {
        return;
    }
    let mut sent: Vec<&[u8]> = Vec::new();
    for (i, chunk) in data.split(|&b| b == b'|').enumerate().take(64) {
        let info = PacketInfo {
            len: chunk.len(),
            pts: Duration::from_millis(20 * i as u64),
            duration: Duration::from_millis(20),
            keyframe: true,
            discard_samples: 0,
        };
        if mux.write_packet(track, &Packet { data: chunk, info }, &mut sink).is_ok() {
            sent.push(chunk);
            if chunk.first().is_some_and(|b| b & 1 == 1) {
                assert!(mux.cut(&mut sink).is_ok());
            }
        } else {
            // Only empty packets are refused (undecodable ones fall back to the duration).
            assert!(chunk.is_empty());
        }
    }
    assert!(mux.finish(&mut sink).is_ok());
    let mut got: Vec<Vec<u8>> = Vec::new();
    let mut partial = Vec::new();
    for page in Pages::new(&sink.0).skip(2) {
        let page = page.expect("muxer output must parse");
        for piece in page.packets() {
            partial.extend_from_slice(piece.data);
            if piece.complete {
                got.push(std::mem::take(&mut partial));
            }
        }
    }
    assert_eq!(got.len(), sent.len());
    assert!(got.iter().zip(&sent).all(|(a, b)| a.as_slice() == *b));
});
