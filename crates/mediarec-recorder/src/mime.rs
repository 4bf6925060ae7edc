//! From the constrained `mimeType` to what a recording really uses (spec A.11, A.5 steps
//! 8, 14, 15.1–15.2, A.16).

use mediarec_core::{ContainerId, Formats, MediaKind};
use mediarec_mime::{MimeError, RecordingType, TopLevel, Verdict};

/// The container and codecs one recording uses.
pub(crate) type Plan = RecordingType;

/// Why `start()` cannot use the constrained type.
pub(crate) enum Unresolved {
    /// Throw `NotSupportedError` now.
    Unsupported(&'static str),
    /// The constructor accepted a codec it could not check; it turns out unsupported:
    /// an error event, then `stop` (step 15.2).
    Deferred,
}

/// `MediaRecorder.isTypeSupported(type)` against what `formats` can really record.
///
/// ```
/// # use mediarec_core::*;
/// # use mediarec_recorder::is_type_supported;
/// # struct OggOpus;
/// # impl Formats for OggOpus {
/// #     type Audio = NoEncoder; type Video = NoEncoder; type Muxer = NullMuxer;
/// #     fn supports(&self, c: ContainerId, k: CodecId) -> bool { c == ContainerId::Ogg && k == CodecId::Opus }
/// #     fn supports_container(&self, c: ContainerId) -> bool { c == ContainerId::Ogg }
/// #     fn default_codec(&self, _: ContainerId, _: MediaKind) -> Option<CodecId> { Some(CodecId::Opus) }
/// #     fn audio_encoder(&mut self, _: CodecId, _: AudioParams, _: EncoderSettings) -> Result<NoEncoder, ErrorKind> { Err(ErrorKind::Unsupported) }
/// #     fn video_encoder(&mut self, _: CodecId, _: VideoParams, _: EncoderSettings) -> Result<NoEncoder, ErrorKind> { Err(ErrorKind::Unsupported) }
/// #     fn muxer(&mut self, _: ContainerId) -> Result<NullMuxer, ErrorKind> { Err(ErrorKind::Unsupported) }
/// # }
/// # struct NullMuxer;
/// # impl Muxer for NullMuxer {
/// #     type Error = ErrorKind;
/// #     fn add_track(&mut self, _: &CodecConfig) -> Result<MuxTrack, ErrorKind> { Err(ErrorKind::Unsupported) }
/// #     fn write_header(&mut self, _: &mut dyn ByteSink) -> Result<(), ErrorKind> { Ok(()) }
/// #     fn write_packet(&mut self, _: MuxTrack, _: &Packet<'_>, _: &mut dyn ByteSink) -> Result<(), ErrorKind> { Ok(()) }
/// #     fn cut(&mut self, _: &mut dyn ByteSink) -> Result<(), ErrorKind> { Ok(()) }
/// #     fn finish(&mut self, _: &mut dyn ByteSink) -> Result<(), ErrorKind> { Ok(()) }
/// #     fn max_packet_overhead(&self) -> usize { 0 }
/// #     fn max_finish_len(&self) -> usize { 0 }
/// #     fn duration(&self) -> Duration { Duration::ZERO }
/// # }
/// // A build that records Opus in Ogg:
/// assert!(is_type_supported(&OggOpus, "audio/ogg; codecs=\"opus\""));
/// assert!(is_type_supported(&OggOpus, ""));
/// assert!(!is_type_supported(&OggOpus, "audio/ogg;codecs=vp8"));
/// assert!(!is_type_supported(&OggOpus, "audio/webm"));
/// ```
pub fn is_type_supported<F: Formats>(formats: &F, mime_type: &str) -> bool {
    mediarec_mime::is_type_supported(mime_type, false, formats)
}

/// The constructor's reading (step 3): codecs that cannot be checked now are accepted.
pub(crate) fn constructor_accepts<F: Formats>(formats: &F, mime_type: &str) -> bool {
    mediarec_mime::is_type_supported(mime_type, true, formats)
}

/// Containers tried, in order, when the author constrained nothing.
const PREFERRED: [ContainerId; 3] = [ContainerId::WebM, ContainerId::Matroska, ContainerId::Ogg];

/// Chooses container and codecs for the kinds being recorded.
pub(crate) fn resolve<F: Formats>(
    formats: &F,
    constrained: &str,
    has_audio: bool,
    has_video: bool,
) -> Result<Plan, Unresolved> {
    if constrained.is_empty() {
        return PREFERRED
            .iter()
            .filter(|&&c| formats.supports_container(c))
            .find_map(|&c| {
                let audio = pick(formats, c, MediaKind::Audio, has_audio)?;
                let video = pick(formats, c, MediaKind::Video, has_video)?;
                Some(RecordingType::for_tracks(c, audio, video))
            })
            .ok_or(Unresolved::Unsupported("no container can record these tracks"));
    }
    let deferred = mediarec_mime::check(constrained, formats) == Verdict::Deferred;
    let mut plan = match mediarec_mime::resolve(constrained, formats) {
        Ok(plan) => plan,
        Err(MimeError::UnknownCodec { .. } | MimeError::UnsupportedCodec { .. }) if deferred => {
            return Err(Unresolved::Deferred);
        }
        Err(_) => return Err(Unresolved::Unsupported("the MIME type cannot be recorded")),
    };
    if has_video && plan.top == TopLevel::Audio {
        return Err(Unresolved::Unsupported("a video track cannot be recorded in an audio type"));
    }
    if plan.audio.is_none() {
        plan.audio = pick(formats, plan.container, MediaKind::Audio, has_audio)
            .ok_or(Unresolved::Unsupported("no audio codec for this container"))?;
    }
    if plan.video.is_none() {
        plan.video = pick(formats, plan.container, MediaKind::Video, has_video)
            .ok_or(Unresolved::Unsupported("no video codec for this container"))?;
    }
    Ok(plan)
}

/// `Some(None)` when the kind is not recorded, `Some(Some(codec))` for its default codec,
/// `None` when the container has none.
fn pick<F: Formats>(
    formats: &F,
    container: ContainerId,
    kind: MediaKind,
    wanted: bool,
) -> Option<Option<mediarec_core::CodecId>> {
    if !wanted {
        return Some(None);
    }
    formats
        .default_codec(container, kind)
        .filter(|&codec| formats.supports(container, codec))
        .map(Some)
}

/// Writes the full `mimeType` reported in the start task.
pub(crate) fn full_type<const N: usize>(
    out: &mut heapless::String<N>,
    constrained: &str,
    plan: &Plan,
) {
    out.clear();
    if mediarec_mime::write_full_mime_type(out, constrained, plan).is_err() {
        // Too long to complete: report what the author asked for.
        out.clear();
        let _ = out.push_str(constrained);
    }
}
