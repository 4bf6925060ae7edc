//! The spec's **is type supported** algorithm, the start-time resolution of a type, and the
//! full `mimeType` string reported after `start()`.

use core::fmt;

use mediarec_core::{CodecId, ContainerId, DomErrorName, ErrorKind, Formats, MediaKind};

use crate::syntax::{MimeType, SyntaxError};
use crate::table::{TopLevel, container_for, lookup_codec, subtype_for};

/// What a build can record: the truth behind `isTypeSupported`.
///
/// Every [`Formats`] is a `Support`; tests and tools can use a [`SupportTable`].
pub trait Support {
    /// True when `container` can be written at all.
    fn supports_container(&self, container: ContainerId) -> bool;
    /// True when `codec` can be recorded into `container`.
    fn supports(&self, container: ContainerId, codec: CodecId) -> bool;
}

impl<F: Formats> Support for F {
    fn supports_container(&self, container: ContainerId) -> bool {
        Formats::supports_container(self, container)
    }
    fn supports(&self, container: ContainerId, codec: CodecId) -> bool {
        Formats::supports(self, container, codec)
    }
}

/// A fixed list of `(container, codec)` pairs that can be recorded; a container is
/// supported when it appears in any pair.
///
/// ```
/// use mediarec_core::{CodecId, ContainerId};
/// use mediarec_mime::{is_type_supported, SupportTable};
/// let table = SupportTable(&[(ContainerId::Ogg, CodecId::Opus)]);
/// assert!(is_type_supported("audio/ogg; codecs=opus", false, &table));
/// assert!(!is_type_supported("audio/webm", false, &table));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SupportTable<'t>(pub &'t [(ContainerId, CodecId)]);

impl Support for SupportTable<'_> {
    fn supports_container(&self, container: ContainerId) -> bool {
        self.0.iter().any(|&(c, _)| c == container)
    }
    fn supports(&self, container: ContainerId, codec: CodecId) -> bool {
        self.0.contains(&(container, codec))
    }
}

/// Why a type cannot be recorded (or cannot be written out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MimeError {
    /// The empty type constrains nothing; the caller chooses container and codecs.
    Empty,
    /// Not a valid MIME type string.
    Syntax(SyntaxError),
    /// The type/subtype names no container mediarec knows (`video/mp4`, `audio/banana`).
    UnknownContainer,
    /// A known container this build cannot write.
    UnsupportedContainer(ContainerId),
    /// More than one audio codec is listed (step 5).
    TooManyAudioCodecs,
    /// More than one video codec is listed (step 5).
    TooManyVideoCodecs,
    /// An `audio/*` type lists a video codec; `index` is its place in the `codecs` list.
    VideoCodecInAudioType {
        /// Position in the `codecs` list.
        index: usize,
    },
    /// A codec string mediarec cannot name (only at [`resolve`]; `is type supported` defers
    /// it).
    UnknownCodec {
        /// Position in the `codecs` list.
        index: usize,
    },
    /// A known codec this build cannot record into the container (step 7).
    UnsupportedCodec {
        /// Position in the `codecs` list.
        index: usize,
    },
    /// The output refused the text (a fixed-size string is full).
    Write,
}

impl MimeError {
    /// The exception the MediaRecorder constructor or `start()` throws for this error.
    pub const fn dom_name(&self) -> DomErrorName {
        DomErrorName::NotSupported
    }
}

impl mediarec_core::Error for MimeError {
    fn kind(&self) -> ErrorKind {
        match self {
            MimeError::Empty | MimeError::Syntax(_) => ErrorKind::InvalidInput,
            MimeError::Write => ErrorKind::Full,
            _ => ErrorKind::Unsupported,
        }
    }
}

impl fmt::Display for MimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MimeError::Empty => f.write_str("no MIME type given"),
            MimeError::Syntax(e) => write!(f, "invalid MIME type: {e}"),
            MimeError::UnknownContainer => f.write_str("unknown container type"),
            MimeError::UnsupportedContainer(c) => write!(f, "container {c:?} not supported"),
            MimeError::TooManyAudioCodecs => f.write_str("more than one audio codec"),
            MimeError::TooManyVideoCodecs => f.write_str("more than one video codec"),
            MimeError::VideoCodecInAudioType { index } => {
                write!(f, "codec {index} is a video codec in an audio type")
            }
            MimeError::UnknownCodec { index } => write!(f, "codec {index} is unknown"),
            MimeError::UnsupportedCodec { index } => write!(f, "codec {index} not supported"),
            MimeError::Write => f.write_str("output full"),
        }
    }
}

impl From<SyntaxError> for MimeError {
    fn from(e: SyntaxError) -> Self {
        MimeError::Syntax(e)
    }
}

/// The answer of **is type supported** before the `defer` flag is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Recordable as far as can be known now (steps 1 and 9).
    Supported,
    /// Some codec identifier is not synchronously exposed: `isTypeSupported` says false,
    /// the constructor accepts and `start()` decides (step 8).
    Deferred,
    /// Not recordable, and why.
    Unsupported(MimeError),
}

/// A resolved recording type: container and at most one codec per kind.
///
/// ```
/// use mediarec_core::{CodecId, ContainerId};
/// use mediarec_mime::{RecordingType, TopLevel};
/// let t = RecordingType::for_tracks(ContainerId::WebM, Some(CodecId::Opus), None);
/// assert_eq!(t.top, TopLevel::Audio);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordingType {
    /// The container.
    pub container: ContainerId,
    /// The top-level type (`audio`, `video`, `application`).
    pub top: TopLevel,
    /// The audio codec, when named (or chosen).
    pub audio: Option<CodecId>,
    /// The video codec, when named (or chosen).
    pub video: Option<CodecId>,
}

impl RecordingType {
    /// The type a recorder reports for the tracks it records when nothing was constrained:
    /// `video/…` as soon as there is video, `audio/…` otherwise (the WPT shapes of A.16).
    pub const fn for_tracks(
        container: ContainerId,
        audio: Option<CodecId>,
        video: Option<CodecId>,
    ) -> Self {
        let top = if video.is_some() { TopLevel::Video } else { TopLevel::Audio };
        RecordingType { container, top, audio, video }
    }

    /// The codec named for `kind`.
    pub const fn codec(&self, kind: MediaKind) -> Option<CodecId> {
        match kind {
            MediaKind::Audio => self.audio,
            MediaKind::Video => self.video,
        }
    }
}

/// Steps 3–8 on a parsed type. `strict` is the start-time reading: codecs that are not
/// synchronously exposed must be nameable and supported too.
fn examine<S: Support + ?Sized>(
    mime: &MimeType<'_>,
    support: &S,
    strict: bool,
) -> Result<(RecordingType, bool), MimeError> {
    // Step 3.
    let (top, container) =
        container_for(mime.type_(), mime.subtype()).ok_or(MimeError::UnknownContainer)?;
    if !support.supports_container(container) {
        return Err(MimeError::UnsupportedContainer(container));
    }
    // Steps 4–5 (and the audio/* rule): count kinds of the identifiers we know.
    let (mut audio, mut video) = (0usize, 0usize);
    for (index, codec) in mime.codecs().enumerate() {
        match lookup_codec(codec).map(|k| k.kind) {
            Some(MediaKind::Audio) => audio += 1,
            Some(MediaKind::Video) if top == TopLevel::Audio => {
                return Err(MimeError::VideoCodecInAudioType { index });
            }
            Some(MediaKind::Video) => video += 1,
            None => {}
        }
    }
    if audio > 1 {
        return Err(MimeError::TooManyAudioCodecs);
    }
    if video > 1 {
        return Err(MimeError::TooManyVideoCodecs);
    }
    // Steps 6–8.
    let mut out = RecordingType { container, top, audio: None, video: None };
    let mut deferred = false;
    for (index, codec) in mime.codecs().enumerate() {
        let known = lookup_codec(codec);
        let exposed = known.is_some_and(|k| k.synchronously_exposed);
        if !exposed && !strict {
            deferred = true;
            continue;
        }
        let known = known.ok_or(MimeError::UnknownCodec { index })?;
        let id = known
            .codec
            .filter(|&c| support.supports(container, c))
            .ok_or(MimeError::UnsupportedCodec { index })?;
        match known.kind {
            MediaKind::Audio => out.audio = Some(id),
            MediaKind::Video => out.video = Some(id),
        }
    }
    Ok((out, deferred))
}

/// **is type supported**(`type`) without the `defer` flag applied (spec A.11).
///
/// 1. `""` → supported (the UA chooses).
/// 2. Not a valid MIME type ([`MimeType::parse`]) → unsupported.
/// 3. Type/subtype naming no container, or a container `support` cannot write →
///    unsupported.
/// 4. More than one audio or more than one video codec (counting every identifier of
///    known kind, exposed or not) → unsupported. A video codec in an `audio/*` type →
///    unsupported; a `video/*` type listing only audio codecs is accepted, as Chromium and
///    Firefox do (a video track then gets the default video codec, or fails at `start()`).
/// 5. A synchronously exposed identifier that is not supported in the container →
///    unsupported, even when others are deferred.
/// 6. Any identifier that is not synchronously exposed → [`Verdict::Deferred`].
///
/// ```
/// use mediarec_core::{CodecId, ContainerId};
/// use mediarec_mime::{check, MimeError, SupportTable, Verdict};
/// let s = SupportTable(&[(ContainerId::WebM, CodecId::Opus), (ContainerId::WebM, CodecId::Vp8)]);
/// assert_eq!(check("video/webm;codecs=vp8,opus", &s), Verdict::Supported);
/// assert_eq!(check("video/webm;codecs=vp09.00.10.08", &s), Verdict::Deferred);
/// assert_eq!(check("video/webm;codecs=vp9", &s),
///            Verdict::Unsupported(MimeError::UnsupportedCodec { index: 0 }));
/// ```
pub fn check<S: Support + ?Sized>(type_: &str, support: &S) -> Verdict {
    // Step 1.
    if type_.is_empty() {
        return Verdict::Supported;
    }
    // Step 2.
    let mime = match MimeType::parse(type_) {
        Ok(m) => m,
        Err(e) => return Verdict::Unsupported(MimeError::Syntax(e)),
    };
    match examine(&mime, support, false) {
        Err(e) => Verdict::Unsupported(e),
        Ok((_, true)) => Verdict::Deferred,
        Ok((_, false)) => Verdict::Supported,
    }
}

/// **is type supported**(`type`, `defer`): `isTypeSupported` passes `defer = false`, the
/// MediaRecorder constructor `true`.
///
/// ```
/// use mediarec_core::{CodecId, ContainerId};
/// use mediarec_mime::{is_type_supported, SupportTable};
/// let s = SupportTable(&[(ContainerId::WebM, CodecId::Opus)]);
/// assert!(is_type_supported("", false, &s));
/// assert!(is_type_supported("audio/webm; codecs=\"opus\"", false, &s));
/// assert!(!is_type_supported("audio/webm; codecs=vorbis", false, &s));
/// assert!(is_type_supported("audio/webm; codecs=vorbis", true, &s));
/// assert!(!is_type_supported("audio/mp4: codecs=\"mp4a.40.2\"", true, &s));
/// ```
pub fn is_type_supported<S: Support + ?Sized>(type_: &str, defer: bool, support: &S) -> bool {
    match check(type_, support) {
        Verdict::Supported => true,
        Verdict::Deferred => defer,
        Verdict::Unsupported(_) => false,
    }
}

/// Resolves a non-empty type at `start()` (step 15.2): every listed codec must be one
/// mediarec can name and the build can record into the container. Codecs for track kinds
/// the type does not name are left `None` for the caller to choose
/// ([`Formats::default_codec`]).
///
/// ```
/// use mediarec_core::{CodecId, ContainerId};
/// use mediarec_mime::{resolve, MimeError, SupportTable, TopLevel};
/// let s = SupportTable(&[(ContainerId::Ogg, CodecId::Opus)]);
/// let t = resolve("audio/ogg;codecs=opus", &s).unwrap();
/// assert_eq!((t.container, t.top, t.audio), (ContainerId::Ogg, TopLevel::Audio, Some(CodecId::Opus)));
/// assert_eq!(resolve("audio/ogg;codecs=vorbis", &s), Err(MimeError::UnsupportedCodec { index: 0 }));
/// assert_eq!(resolve("", &s), Err(MimeError::Empty));
/// ```
pub fn resolve<S: Support + ?Sized>(type_: &str, support: &S) -> Result<RecordingType, MimeError> {
    if type_.is_empty() {
        return Err(MimeError::Empty);
    }
    let mime = MimeType::parse(type_)?;
    examine(&mime, support, true).map(|(t, _)| t)
}

/// Writes the `mimeType` a recorder reports once recording has started (spec A.16 step 3).
///
/// - `constrained` empty: `{top}/{subtype};codecs=…` from `actual`, e.g.
///   `video/webm;codecs=vp8,opus` — no spaces, video codec first, as Chromium writes it.
/// - `constrained` already has a `codecs` parameter: the author's string verbatim. The spec
///   lets the UA add profiles but does not require it, Firefox does the same, and it keeps
///   `mimeType` equal to what the page asked for.
/// - otherwise: the author's string (outer whitespace and trailing `;` removed) followed by
///   `;codecs=…` listing `actual`'s codecs.
///
/// ```
/// use mediarec_core::{CodecId, ContainerId};
/// use mediarec_mime::{write_full_mime_type, RecordingType};
/// let av = RecordingType::for_tracks(ContainerId::WebM, Some(CodecId::Opus), Some(CodecId::Vp8));
/// let mut s = String::new();
/// write_full_mime_type(&mut s, "", &av).unwrap();
/// assert_eq!(s, "video/webm;codecs=vp8,opus");
/// ```
pub fn write_full_mime_type<W: fmt::Write + ?Sized>(
    out: &mut W,
    constrained: &str,
    actual: &RecordingType,
) -> Result<(), MimeError> {
    let w = |r: fmt::Result| r.map_err(|_| MimeError::Write);
    if constrained.is_empty() {
        w(out.write_str(actual.top.as_str()))?;
        w(out.write_char('/'))?;
        w(out.write_str(subtype_for(actual.container)))?;
    } else {
        let mime = MimeType::parse(constrained)?;
        if mime.has_codecs() {
            return w(out.write_str(constrained));
        }
        let trimmed = constrained.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n' | ';'));
        w(out.write_str(trimmed))?;
    }
    let mut sep = ";codecs=";
    for codec in [actual.video, actual.audio].into_iter().flatten() {
        w(out.write_str(sep))?;
        w(out.write_str(codec.mime_name()))?;
        sep = ",";
    }
    Ok(())
}

/// [`write_full_mime_type`] into a fixed-capacity string; [`MimeError::Write`] when it does
/// not fit.
///
/// ```
/// use mediarec_core::{CodecId, ContainerId};
/// use mediarec_mime::{full_mime_type, RecordingType};
/// let a = RecordingType::for_tracks(ContainerId::Ogg, Some(CodecId::Opus), None);
/// let s = full_mime_type::<64>("", &a).unwrap();
/// assert_eq!(s.as_str(), "audio/ogg;codecs=opus");
/// ```
pub fn full_mime_type<const N: usize>(
    constrained: &str,
    actual: &RecordingType,
) -> Result<heapless::String<N>, MimeError> {
    let mut s = heapless::String::new();
    write_full_mime_type(&mut s, constrained, actual)?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;
    use crate::syntax::SyntaxErrorKind;

    const ALL: SupportTable<'static> = SupportTable(&[
        (ContainerId::WebM, CodecId::Opus),
        (ContainerId::WebM, CodecId::PcmF32),
        (ContainerId::WebM, CodecId::Vp8),
        (ContainerId::WebM, CodecId::Vp9),
        (ContainerId::Matroska, CodecId::Opus),
        (ContainerId::Matroska, CodecId::PcmF32),
        (ContainerId::Matroska, CodecId::Vp8),
        (ContainerId::Matroska, CodecId::Vp9),
        (ContainerId::Ogg, CodecId::Opus),
    ]);

    fn unsupported(t: &str) -> MimeError {
        match check(t, &ALL) {
            Verdict::Unsupported(e) => e,
            v => panic!("{t}: {v:?}"),
        }
    }

    #[test]
    fn step1_empty_type_is_supported_but_blank_is_not() {
        assert_eq!(check("", &ALL), Verdict::Supported);
        assert!(is_type_supported("", false, &SupportTable(&[])));
        assert!(matches!(unsupported(" "), MimeError::Syntax(_)));
    }

    #[test]
    fn step2_invalid_strings_are_unsupported_even_with_defer() {
        for t in [
            r#"audio/mp4: codecs="mp4a.40.2""#,
            r#"audio/ogg: codecs="opus""#,
            r#"video/mp4: codecs="avc1""#,
            "audio/webm;codecs",
            "audio/webm;codecs=opus;codecs=opus",
            "webm",
        ] {
            assert!(matches!(unsupported(t), MimeError::Syntax(_)), "{t}");
            assert!(!is_type_supported(t, true, &ALL), "{t}");
        }
    }

    #[test]
    fn step3_unknown_or_unsupported_containers() {
        for t in ["video/invalid", "audio/banana", "video/pineapple", "video/mp4", "video/ogg"] {
            assert_eq!(unsupported(t), MimeError::UnknownContainer, "{t}");
            assert!(!is_type_supported(t, true, &ALL));
        }
        let webm_only = SupportTable(&[(ContainerId::WebM, CodecId::Opus)]);
        assert_eq!(
            check("audio/ogg", &webm_only),
            Verdict::Unsupported(MimeError::UnsupportedContainer(ContainerId::Ogg))
        );
        for t in [
            "audio/webm",
            "VIDEO/WEBM",
            "audio/x-matroska",
            "video/x-matroska",
            "audio/ogg",
            "application/ogg",
        ] {
            assert_eq!(check(t, &ALL), Verdict::Supported, "{t}");
        }
    }

    #[test]
    fn step5_at_most_one_codec_per_kind() {
        assert_eq!(unsupported("audio/webm;codecs=\"opus,pcm\""), MimeError::TooManyAudioCodecs);
        assert_eq!(unsupported("audio/webm;codecs=\"opus,opus\""), MimeError::TooManyAudioCodecs);
        assert_eq!(
            unsupported("video/webm;codecs=\"vp8,vp9,opus\""),
            MimeError::TooManyVideoCodecs
        );
        // Kinds of identifiers that are not exposed still count.
        assert_eq!(
            unsupported("video/webm;codecs=\"vp8,vp09.00.10.08\""),
            MimeError::TooManyVideoCodecs
        );
        assert_eq!(unsupported("video/webm;codecs=\"vorbis,opus\""), MimeError::TooManyAudioCodecs);
    }

    #[test]
    fn video_codecs_are_refused_in_audio_types_but_video_types_may_be_audio_only() {
        assert_eq!(
            unsupported("audio/webm;codecs=vp8"),
            MimeError::VideoCodecInAudioType { index: 0 }
        );
        assert_eq!(
            unsupported("audio/webm;codecs=\"opus,av1\""),
            MimeError::VideoCodecInAudioType { index: 1 }
        );
        // Chromium and Firefox both accept an audio-only codec list in a video type.
        assert_eq!(check("video/webm;codecs=opus", &ALL), Verdict::Supported);
    }

    #[test]
    fn step6_identifiers_are_case_insensitive_and_stop_at_the_dot() {
        for t in [
            "video/webm;codecs=VP8",
            "video/webm;codecs=vp8.0",
            "video/webm;codecs=\"Vp9.0, OPUS\"",
        ] {
            assert_eq!(check(t, &ALL), Verdict::Supported, "{t}");
        }
    }

    #[test]
    fn step7_exposed_but_unsupported_is_false_even_with_defer() {
        for (t, i) in [
            ("video/webm;codecs=h264", 0),
            ("video/webm;codecs=\"opus,av1\"", 1),
            ("video/x-matroska;codecs=avc1.42E01E", 0),
            ("audio/ogg;codecs=pcm", 0),
        ] {
            assert_eq!(unsupported(t), MimeError::UnsupportedCodec { index: i }, "{t}");
            assert!(!is_type_supported(t, true, &ALL));
        }
        // Step 7 wins over step 8: one exposed failure makes the whole type false.
        assert_eq!(
            unsupported("video/webm;codecs=\"h264,vorbis\""),
            MimeError::UnsupportedCodec { index: 0 }
        );
    }

    #[test]
    fn step8_unexposed_identifiers_follow_defer() {
        for t in [
            "audio/webm;codecs=vorbis",
            "audio/ogg; codecs=\"vorbis\"",
            "video/webm;codecs=\"vp8, banana\"",
            "video/webm;codecs=vp09.00.10.08",
            "audio/webm;codecs=mp4a.40.2",
        ] {
            assert_eq!(check(t, &ALL), Verdict::Deferred, "{t}");
            assert!(!is_type_supported(t, false, &ALL));
            assert!(is_type_supported(t, true, &ALL));
        }
    }

    #[test]
    fn step9_wpt_types_this_build_records() {
        for t in [
            "audio/webm; codecs=\"opus\"",
            "audio/ogg; codecs=\"opus\"",
            "video/webm; codecs=\"vp8\"",
            "video/webm; codecs=\"vp9\"",
            "video/webm; codecs=\"vp8, opus\"",
            "video/webm; codecs=\"vp9, opus\"",
            "video/webm;codecs=vp8,opus",
            "audio/webm;codecs=pcm",
        ] {
            assert_eq!(check(t, &ALL), Verdict::Supported, "{t}");
        }
    }

    #[test]
    fn formats_implementations_are_support() {
        use mediarec_core::{AudioParams, EncoderSettings, NoEncoder, VideoParams};
        struct OggOnly;
        impl Formats for OggOnly {
            type Audio = NoEncoder;
            type Video = NoEncoder;
            type Muxer = NoMuxer;
            fn supports(&self, c: ContainerId, k: CodecId) -> bool {
                c == ContainerId::Ogg && k == CodecId::Opus
            }
            fn supports_container(&self, c: ContainerId) -> bool {
                c == ContainerId::Ogg
            }
            fn default_codec(&self, _: ContainerId, _: MediaKind) -> Option<CodecId> {
                None
            }
            fn audio_encoder(
                &mut self,
                _: CodecId,
                _: AudioParams,
                _: EncoderSettings,
            ) -> Result<NoEncoder, ErrorKind> {
                Err(ErrorKind::Unsupported)
            }
            fn video_encoder(
                &mut self,
                _: CodecId,
                _: VideoParams,
                _: EncoderSettings,
            ) -> Result<NoEncoder, ErrorKind> {
                Err(ErrorKind::Unsupported)
            }
            fn muxer(&mut self, _: ContainerId) -> Result<NoMuxer, ErrorKind> {
                Err(ErrorKind::Unsupported)
            }
        }
        enum NoMuxer {}
        impl mediarec_core::Muxer for NoMuxer {
            type Error = ErrorKind;
            fn add_track(
                &mut self,
                _: &mediarec_core::CodecConfig,
            ) -> Result<mediarec_core::MuxTrack, ErrorKind> {
                match *self {}
            }
            fn write_header(
                &mut self,
                _: &mut dyn mediarec_core::ByteSink,
            ) -> Result<(), ErrorKind> {
                match *self {}
            }
            fn write_packet(
                &mut self,
                _: mediarec_core::MuxTrack,
                _: &mediarec_core::Packet<'_>,
                _: &mut dyn mediarec_core::ByteSink,
            ) -> Result<(), ErrorKind> {
                match *self {}
            }
            fn cut(&mut self, _: &mut dyn mediarec_core::ByteSink) -> Result<(), ErrorKind> {
                match *self {}
            }
            fn finish(&mut self, _: &mut dyn mediarec_core::ByteSink) -> Result<(), ErrorKind> {
                match *self {}
            }
            fn max_packet_overhead(&self) -> usize {
                match *self {}
            }
            fn max_finish_len(&self) -> usize {
                match *self {}
            }
            fn duration(&self) -> mediarec_core::Duration {
                match *self {}
            }
        }
        assert!(is_type_supported("audio/ogg;codecs=opus", false, &OggOnly));
        assert!(!is_type_supported("audio/webm;codecs=opus", false, &OggOnly));
        assert_eq!(resolve("application/ogg", &OggOnly).unwrap().top, TopLevel::Application);
    }

    #[test]
    fn resolve_is_strict_about_every_codec() {
        let t = resolve("Video/WebM; Codecs=\"VP9.0, Opus\"", &ALL).unwrap();
        assert_eq!(
            t,
            RecordingType {
                container: ContainerId::WebM,
                top: TopLevel::Video,
                audio: Some(CodecId::Opus),
                video: Some(CodecId::Vp9),
            }
        );
        assert_eq!(
            resolve("video/webm;codecs=vp09.00.10.08", &ALL).unwrap().video,
            Some(CodecId::Vp9)
        );
        assert_eq!(
            resolve("video/webm;codecs=\"vp8,banana\"", &ALL),
            Err(MimeError::UnknownCodec { index: 1 })
        );
        assert_eq!(
            resolve("audio/webm;codecs=vorbis", &ALL),
            Err(MimeError::UnsupportedCodec { index: 0 })
        );
        assert_eq!(
            resolve("audio/webm", &ALL).unwrap(),
            RecordingType::for_tracks(ContainerId::WebM, None, None)
        );
        assert!(matches!(
            resolve("audio/webm;", &ALL),
            Ok(RecordingType { container: ContainerId::WebM, .. })
        ));
        assert!(matches!(
            resolve("audio/webm;codecs=", &ALL),
            Err(MimeError::Syntax(SyntaxError { kind: SyntaxErrorKind::EmptyValue, .. }))
        ));
    }

    fn full(constrained: &str, t: &RecordingType) -> String {
        let mut s = String::new();
        write_full_mime_type(&mut s, constrained, t).unwrap();
        s
    }

    #[test]
    fn full_type_when_nothing_was_constrained() {
        use ContainerId::*;
        let rt = RecordingType::for_tracks;
        assert_eq!(full("", &rt(WebM, Some(CodecId::Opus), None)), "audio/webm;codecs=opus");
        assert_eq!(
            full("", &rt(WebM, Some(CodecId::Opus), Some(CodecId::Vp8))),
            "video/webm;codecs=vp8,opus"
        );
        assert_eq!(full("", &rt(WebM, None, Some(CodecId::Vp9))), "video/webm;codecs=vp9");
        assert_eq!(full("", &rt(Ogg, Some(CodecId::Opus), None)), "audio/ogg;codecs=opus");
        assert_eq!(
            full("", &rt(Matroska, Some(CodecId::Opus), None)),
            "audio/x-matroska;codecs=opus"
        );
        assert_eq!(full("", &rt(WebM, Some(CodecId::PcmF32), None)), "audio/webm;codecs=pcm");
    }

    #[test]
    fn full_type_keeps_the_authors_codecs_verbatim() {
        let t =
            RecordingType::for_tracks(ContainerId::WebM, Some(CodecId::Opus), Some(CodecId::Vp8));
        for s in [
            "video/webm; codecs=\"vp8, opus\"",
            "VIDEO/WEBM;CODECS=VP8,OPUS ",
            "video/webm;codecs=opus",
        ] {
            assert_eq!(full(s, &t), s);
        }
    }

    #[test]
    fn full_type_completes_a_type_without_codecs() {
        let t =
            RecordingType::for_tracks(ContainerId::WebM, Some(CodecId::Opus), Some(CodecId::Vp8));
        assert_eq!(full("video/webm", &t), "video/webm;codecs=vp8,opus");
        assert_eq!(full(" Video/WebM ; ", &t), "Video/WebM;codecs=vp8,opus");
        assert_eq!(full("video/webm; x=1", &t), "video/webm; x=1;codecs=vp8,opus");
        let a = RecordingType {
            top: TopLevel::Application,
            ..RecordingType::for_tracks(ContainerId::Ogg, Some(CodecId::Opus), None)
        };
        assert_eq!(full("application/ogg", &a), "application/ogg;codecs=opus");
    }

    #[test]
    fn full_type_errors() {
        let t = RecordingType::for_tracks(ContainerId::WebM, Some(CodecId::Opus), None);
        let mut s = String::new();
        assert!(matches!(
            write_full_mime_type(&mut s, "audio/webm;codecs", &t),
            Err(MimeError::Syntax(_))
        ));
        assert_eq!(full_mime_type::<8>("", &t), Err(MimeError::Write));
        assert_eq!(full_mime_type::<22>("", &t).unwrap().as_str(), "audio/webm;codecs=opus");
    }

    #[test]
    fn error_kinds_and_names() {
        use mediarec_core::Error;
        assert_eq!(MimeError::UnknownContainer.kind(), ErrorKind::Unsupported);
        assert_eq!(MimeError::Write.kind(), ErrorKind::Full);
        assert_eq!(MimeError::Empty.kind(), ErrorKind::InvalidInput);
        assert_eq!(MimeError::TooManyAudioCodecs.dom_name(), DomErrorName::NotSupported);
        let e = MimeError::Syntax(SyntaxError { kind: SyntaxErrorKind::MissingSlash, offset: 5 });
        assert_eq!(std::format!("{e}"), "invalid MIME type: missing '/' after the type at byte 5");
    }
}
