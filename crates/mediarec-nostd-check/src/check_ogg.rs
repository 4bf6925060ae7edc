//! `mediarec-ogg`: an Ogg Opus stream of three packets in a stack buffer, read back page by
//! page with CRC checks.

use core::hint::black_box;

use mediarec_core::{
    CodecConfig, CodecId, CodecPrivate, Duration, Muxer, Packet, PacketInfo, SliceSink,
};
use mediarec_ogg::{OggOpusMuxer, OpusHead, Pages};

use crate::ensure;

pub fn run() -> Result<(), &'static str> {
    let head = OpusHead {
        version: 1,
        channels: 1,
        pre_skip: 312,
        input_sample_rate: 48_000,
        output_gain: 0,
        mapping_family: 0,
    };
    let mut config = CodecConfig::audio(CodecId::Opus, 48_000, 1);
    config.private = CodecPrivate::new(&head.to_bytes()).ok_or("OpusHead into CodecPrivate")?;

    let mut storage = [0u8; 2048];
    let mut sink = SliceSink::new(&mut storage);
    let mut mux = OggOpusMuxer::new();
    let track = mux.add_track(&config).map_err(|_| "add the Opus track")?;
    mux.write_header(&mut sink).map_err(|_| "write the header pages")?;
    for i in 0..3u64 {
        let info = PacketInfo {
            len: 1,
            pts: Duration::from_millis(20 * i),
            duration: Duration::from_millis(20),
            keyframe: true,
            discard_samples: if i == 2 { 100 } else { 0 },
        };
        // 0xF8: CELT full band, 20 ms, one frame.
        let packet = Packet { data: black_box(&[0xF8]), info };
        mux.write_packet(track, &packet, &mut sink).map_err(|_| "write a packet")?;
    }
    mux.finish(&mut sink).map_err(|_| "finish")?;

    let (mut count, mut first_bos, mut last) = (0, false, None);
    for page in Pages::new(sink.written()) {
        let page = page.map_err(|_| "a page does not parse (or its CRC is wrong)")?;
        if count == 0 {
            first_bos = page.is_bos();
        }
        count += 1;
        last = Some(page);
    }
    let last = last.ok_or("no pages")?;
    ensure(count == 3, "OpusHead, OpusTags and one audio page")?;
    ensure(first_bos, "the first page is not BOS")?;
    ensure(last.is_eos(), "the last page is not EOS")?;
    ensure(last.granule == 3 * 960 - 100, "end trimming in the last granule")
}
