//! What the names in a MIME type mean: containers by type/subtype, codecs by identifier.

use mediarec_core::{CodecId, ContainerId, MediaKind};

use crate::syntax::Value;

/// The top-level type of a recognised MIME type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopLevel {
    /// `audio/…`: audio codecs only.
    Audio,
    /// `video/…`: video and/or audio.
    Video,
    /// `application/…` (only `application/ogg`).
    Application,
}

impl TopLevel {
    /// The lowercase name.
    pub const fn as_str(self) -> &'static str {
        match self {
            TopLevel::Audio => "audio",
            TopLevel::Video => "video",
            TopLevel::Application => "application",
        }
    }
}

/// The MIME types that name a container, as `(type, subtype, top level, container)`.
///
/// - `audio/webm`, `video/webm`: WebM, as in every engine.
/// - `audio/x-matroska`, `video/x-matroska`: Matroska, as Chromium labels it.
/// - `audio/ogg`: Ogg, as Firefox records audio-only streams.
/// - `application/ogg`: Ogg too; RFC 5334 keeps it valid for any Ogg content, and it names
///   the same file we write, so refusing it would only surprise.
/// - `video/ogg` is deliberately absent: RFC 5334 reserves it for Ogg with video content, no
///   engine records it, and our Ogg muxer carries Opus only, so `true` would promise a video
///   recording that cannot be made.
pub const CONTAINER_TYPES: [(&str, &str, TopLevel, ContainerId); 6] = [
    ("audio", "webm", TopLevel::Audio, ContainerId::WebM),
    ("video", "webm", TopLevel::Video, ContainerId::WebM),
    ("audio", "x-matroska", TopLevel::Audio, ContainerId::Matroska),
    ("video", "x-matroska", TopLevel::Video, ContainerId::Matroska),
    ("audio", "ogg", TopLevel::Audio, ContainerId::Ogg),
    ("application", "ogg", TopLevel::Application, ContainerId::Ogg),
];

/// The container named by `type_`/`subtype` (ASCII case-insensitive), with its top level.
///
/// ```
/// use mediarec_core::ContainerId;
/// use mediarec_mime::{container_for, TopLevel};
/// assert_eq!(container_for("Video", "WEBM"), Some((TopLevel::Video, ContainerId::WebM)));
/// assert_eq!(container_for("video", "ogg"), None);
/// ```
pub fn container_for(type_: &str, subtype: &str) -> Option<(TopLevel, ContainerId)> {
    CONTAINER_TYPES
        .iter()
        .find(|(t, s, _, _)| t.eq_ignore_ascii_case(type_) && s.eq_ignore_ascii_case(subtype))
        .map(|&(_, _, top, c)| (top, c))
}

/// The subtype we write for `container` (`webm`, `x-matroska`, `ogg`).
pub const fn subtype_for(container: ContainerId) -> &'static str {
    match container {
        ContainerId::WebM => "webm",
        ContainerId::Matroska => "x-matroska",
        ContainerId::Ogg => "ogg",
        // `ContainerId` is non-exhaustive; a future container without a name here gets a
        // generic label rather than a wrong one.
        #[allow(unreachable_patterns)]
        _ => "octet-stream",
    }
}

/// The identifiers the spec's "is type supported" algorithm answers synchronously
/// (MediaStream Recording, 2026): everything else is deferred to `start()`.
pub const SYNCHRONOUSLY_EXPOSED: [&str; 11] =
    ["vp8", "vp9", "h264", "avc1", "av1", "av01", "hvc1", "hev1", "avc3", "opus", "pcm"];

/// True when `identifier` is on the spec's [`SYNCHRONOUSLY_EXPOSED`] list (exact match
/// after ASCII lowercasing).
pub fn is_synchronously_exposed(identifier: &str) -> bool {
    SYNCHRONOUSLY_EXPOSED.iter().any(|id| id.eq_ignore_ascii_case(identifier))
}

/// What we know about one codec identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownCodec {
    /// The identifier, lowercase.
    pub identifier: &'static str,
    /// Audio or video: decides the "more than one audio/video codec" rule.
    pub kind: MediaKind,
    /// Our id, when mediarec can name it as a codec to encode.
    pub codec: Option<CodecId>,
    /// On the spec's synchronously exposed list.
    pub synchronously_exposed: bool,
}

const fn known(
    identifier: &'static str,
    kind: MediaKind,
    codec: Option<CodecId>,
    synchronously_exposed: bool,
) -> KnownCodec {
    KnownCodec { identifier, kind, codec, synchronously_exposed }
}

use MediaKind::{Audio as A, Video as V};

/// Codec identifiers with a known kind (spec digest B.2), including ones no engine records,
/// so that `video/webm;codecs=vp8,vp09` counts two video codecs.
///
/// `pcm` is Chromium's 32-bit float little-endian PCM, the only PCM a browser records.
/// `vp08`/`vp09` are the ISO-BMFF spellings of VP8/VP9: known to us, but not synchronously
/// exposed, so they are decided at `start()`.
pub const KNOWN_CODECS: [KnownCodec; 19] = [
    known("vp8", V, Some(CodecId::Vp8), true),
    known("vp9", V, Some(CodecId::Vp9), true),
    known("h264", V, None, true),
    known("avc1", V, None, true),
    known("avc3", V, None, true),
    known("av1", V, None, true),
    known("av01", V, None, true),
    known("hvc1", V, None, true),
    known("hev1", V, None, true),
    known("opus", A, Some(CodecId::Opus), true),
    known("pcm", A, Some(CodecId::PcmF32), true),
    known("vp08", V, Some(CodecId::Vp8), false),
    known("vp09", V, Some(CodecId::Vp9), false),
    known("theora", V, None, false),
    known("mp4a", A, None, false),
    known("vorbis", A, None, false),
    known("flac", A, None, false),
    known("alac", A, None, false),
    known("aac", A, None, false),
];

/// Looks up the identifier of a codec string (the part before the first `.`, any case).
///
/// ```
/// use mediarec_core::{CodecId, MediaKind};
/// use mediarec_mime::{lookup_codec, Value};
/// let k = lookup_codec(Value::plain("VP9.0")).unwrap();
/// assert_eq!((k.kind, k.codec), (MediaKind::Video, Some(CodecId::Vp9)));
/// assert!(lookup_codec(Value::plain("banana")).is_none());
/// ```
pub fn lookup_codec(codec: Value<'_>) -> Option<KnownCodec> {
    let id = codec.identifier();
    KNOWN_CODECS.iter().copied().find(|k| id.eq_ignore_ascii_case(k.identifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposed_list_matches_the_table() {
        for id in SYNCHRONOUSLY_EXPOSED {
            let k = lookup_codec(Value::plain(id)).unwrap();
            assert!(k.synchronously_exposed, "{id}");
        }
        let exposed = KNOWN_CODECS.iter().filter(|k| k.synchronously_exposed).count();
        assert_eq!(exposed, SYNCHRONOUSLY_EXPOSED.len());
        assert!(is_synchronously_exposed("OPUS"));
        assert!(!is_synchronously_exposed("mp4a"));
        assert!(!is_synchronously_exposed("vp09"));
    }

    #[test]
    fn our_codec_ids_round_trip_through_their_mime_names() {
        for c in [CodecId::Opus, CodecId::PcmF32, CodecId::Vp8, CodecId::Vp9] {
            let k = lookup_codec(Value::plain(c.mime_name())).unwrap();
            assert_eq!(k.codec, Some(c));
            assert_eq!(k.kind, c.kind());
        }
    }

    #[test]
    fn containers_by_type_and_subtype() {
        assert_eq!(container_for("audio", "webm"), Some((TopLevel::Audio, ContainerId::WebM)));
        assert_eq!(
            container_for("VIDEO", "X-Matroska"),
            Some((TopLevel::Video, ContainerId::Matroska))
        );
        assert_eq!(container_for("audio", "ogg"), Some((TopLevel::Audio, ContainerId::Ogg)));
        assert_eq!(
            container_for("application", "ogg"),
            Some((TopLevel::Application, ContainerId::Ogg))
        );
        for (t, s) in [("video", "ogg"), ("video", "mp4"), ("audio", "mp4"), ("audio", "banana")] {
            assert_eq!(container_for(t, s), None, "{t}/{s}");
        }
        for c in [ContainerId::WebM, ContainerId::Matroska, ContainerId::Ogg] {
            assert!(CONTAINER_TYPES.iter().any(|&(_, s, _, k)| k == c && s == subtype_for(c)));
        }
    }
}
