//! `mediarec-core`: sinks, time arithmetic and codec configuration.

use core::hint::black_box;

use mediarec_core::{
    ByteSink, CodecConfig, CodecId, CodecPrivate, CountingSink, Duration, Error as _, ErrorKind,
    Instant, MediaKind, SinkError, SliceSink,
};

use crate::ensure;

pub fn run() -> Result<(), &'static str> {
    sinks()?;
    time()?;
    codec_config()
}

fn sinks() -> Result<(), &'static str> {
    let mut buf = [0u8; 8];
    let mut sink = SliceSink::new(&mut buf);
    let magic: &[u8] = black_box(&[0x1A, 0x45, 0xDF, 0xA3]);
    sink.write(magic).map_err(|_| "SliceSink refused 4 bytes into 8")?;
    ensure(sink.position() == 4, "SliceSink position after 4 bytes")?;
    ensure(sink.write(&[0; 5]) == Err(SinkError::Full), "SliceSink took more than it holds")?;
    ensure(sink.position() == 4, "a refused write moved the position")?;
    sink.patch(1, &[0xEE]).map_err(|_| "SliceSink patch inside the written bytes")?;
    ensure(sink.written() == [0x1A, 0xEE, 0xDF, 0xA3], "SliceSink patch result")?;
    ensure(SinkError::Full.kind() == ErrorKind::Full, "SinkError::Full kind")?;

    let mut counter = CountingSink::default();
    for chunk in [magic, magic, &magic[..1]] {
        counter.write(chunk).map_err(|_| "CountingSink refused bytes")?;
    }
    ensure(counter.position() == 9, "CountingSink count")
}

fn time() -> Result<(), &'static str> {
    let twenty_ms = Duration::from_samples(black_box(960), 48_000);
    ensure(twenty_ms == Duration::from_millis(20), "960 samples at 48 kHz")?;
    ensure(twenty_ms.as_samples(16_000) == 320, "20 ms at 16 kHz")?;
    let t0 = Instant::from_micros(black_box(1_000));
    let t1 = t0 + twenty_ms + twenty_ms;
    ensure(t1 - t0 == Duration::from_millis(40), "Instant difference")?;
    ensure(
        t0.saturating_duration_since(t1) == Duration::ZERO,
        "saturating_duration_since an earlier instant",
    )?;
    ensure(Duration::MAX.saturating_add(twenty_ms) == Duration::MAX, "saturating_add at MAX")
}

fn codec_config() -> Result<(), &'static str> {
    // OpusHead: version 1, 2 channels, pre-skip 312, 48 kHz, gain 0, mapping family 0.
    let opus_head: &[u8] = black_box(&[
        b'O', b'p', b'u', b's', b'H', b'e', b'a', b'd', 1, 2, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0,
    ]);
    let mut config = CodecConfig::audio(CodecId::Opus, 48_000, 2);
    config.private = CodecPrivate::new(opus_head).ok_or("CodecPrivate refused an OpusHead")?;
    ensure(config.private.as_bytes() == opus_head, "CodecPrivate bytes")?;
    ensure(config.kind() == MediaKind::Audio, "Opus is audio")?;
    ensure(CodecId::Vp8.mime_name() == "vp8", "VP8 MIME name")?;
    ensure(
        CodecPrivate::new(&[0; CodecPrivate::CAPACITY + 1]).is_none(),
        "CodecPrivate took more than its capacity",
    )
}
