//! MIME type parser and the "is type supported" algorithm on arbitrary bytes: no panics,
//! and every accepted type keeps its invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediarec_core::{CodecId, ContainerId};
use mediarec_mime::{MimeType, RecordingType, SupportTable, check, resolve, write_full_mime_type};

const BUILD: SupportTable<'static> = SupportTable(&[
    (ContainerId::WebM, CodecId::Opus),
    (ContainerId::WebM, CodecId::Vp8),
    (ContainerId::Ogg, CodecId::Opus),
]);

/// A `fmt::Write` that only counts, so the target allocates nothing per input.
struct Count(usize);

impl core::fmt::Write for Count {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = core::str::from_utf8(data) else { return };
    let _ = check(s, &BUILD);
    let resolved = resolve(s, &BUILD);
    if let Ok(m) = MimeType::parse(s) {
        for p in m.params() {
            assert!(p.value.chars().count() <= p.value.raw().len());
        }
        for c in m.codecs() {
            assert!(!c.is_empty());
            let _ = c.identifier().chars().count();
        }
        let actual = resolved.unwrap_or_else(|_| {
            RecordingType::for_tracks(ContainerId::WebM, Some(CodecId::Opus), None)
        });
        let mut n = Count(0);
        assert!(write_full_mime_type(&mut n, s, &actual).is_ok());
    }
});
