//! `mediarec-mime`: parsing, isTypeSupported and the reported `mimeType`.

use core::hint::black_box;

use mediarec_core::{CodecId, ContainerId};
use mediarec_mime::{
    MimeType, RecordingType, SupportTable, full_mime_type, is_type_supported, resolve,
};

use crate::ensure;

pub fn run() -> Result<(), &'static str> {
    let build =
        SupportTable(&[(ContainerId::WebM, CodecId::Opus), (ContainerId::Ogg, CodecId::Opus)]);
    let parsed = MimeType::parse(black_box(r#"Audio/WebM ; codecs="opus""#))
        .map_err(|_| "parse a quoted codecs parameter")?;
    ensure(parsed.is("audio", "webm"), "type and subtype, case-insensitive")?;
    ensure(parsed.codecs().count() == 1, "one codec in codecs=")?;
    ensure(
        is_type_supported("audio/webm;codecs=opus", false, &build),
        "audio/webm;codecs=opus supported",
    )?;
    ensure(!is_type_supported("video/mp4", false, &build), "video/mp4 not supported")?;
    let ogg = resolve("audio/ogg", &build).map_err(|_| "resolve audio/ogg")?;
    ensure(ogg.container == ContainerId::Ogg, "audio/ogg is Ogg")?;
    let actual = RecordingType::for_tracks(ContainerId::Ogg, Some(CodecId::Opus), None);
    let full = full_mime_type::<64>("", &actual).map_err(|_| "full mimeType")?;
    ensure(full.as_str() == "audio/ogg;codecs=opus", "full mimeType text")
}
