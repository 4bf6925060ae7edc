//! `MediaStreamTrack` (spec C.2) and content hints (C.3). Tracks live in a
//! [`MediaContext`](crate::MediaContext), which owns every state change; this type is the
//! read side plus the helpers a recorder driver applies to media.

use alloc::string::String;
use mediarec_core::{MediaKind, PixelFormat};

use crate::constraints::{
    ConstrainBoolean, ConstrainBooleanOrDomString, MediaTrackConstraintSet, MediaTrackConstraints,
};
use crate::context::SourceHandle;
use crate::settings::{MediaTrackCapabilities, MediaTrackSettings};
use crate::space::ua_defaults;

/// `MediaStreamTrackState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadyState {
    /// `"live"`.
    Live,
    /// `"ended"`: never live again.
    Ended,
}

impl ReadyState {
    /// The web name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReadyState::Live => "live",
            ReadyState::Ended => "ended",
        }
    }
}

/// `contentHint` values (MediaStreamTrack Content Hints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContentHint {
    /// `""`: no hint.
    #[default]
    None,
    /// `"speech"` (audio).
    Speech,
    /// `"speech-recognition"` (audio).
    SpeechRecognition,
    /// `"music"` (audio).
    Music,
    /// `"motion"` (video).
    Motion,
    /// `"detail"` (video).
    Detail,
    /// `"text"` (video).
    Text,
}

impl ContentHint {
    /// The web value.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContentHint::None => "",
            ContentHint::Speech => "speech",
            ContentHint::SpeechRecognition => "speech-recognition",
            ContentHint::Music => "music",
            ContentHint::Motion => "motion",
            ContentHint::Detail => "detail",
            ContentHint::Text => "text",
        }
    }

    /// The hint `value` names for a track of `kind`, or `None` when the setter must ignore
    /// it (an unknown value, or one for the other kind).
    pub fn parse(kind: MediaKind, value: &str) -> Option<ContentHint> {
        let hint = match value {
            "" => ContentHint::None,
            "speech" => ContentHint::Speech,
            "speech-recognition" => ContentHint::SpeechRecognition,
            "music" => ContentHint::Music,
            "motion" => ContentHint::Motion,
            "detail" => ContentHint::Detail,
            "text" => ContentHint::Text,
            _ => return None,
        };
        let audio = matches!(
            hint,
            ContentHint::Speech | ContentHint::SpeechRecognition | ContentHint::Music
        );
        let video = matches!(hint, ContentHint::Motion | ContentHint::Detail | ContentHint::Text);
        match kind {
            MediaKind::Audio if video => None,
            MediaKind::Video if audio => None,
            _ => Some(hint),
        }
    }

    /// The tie-break defaults for a track with this hint: the UA defaults with the hint's
    /// audio-processing defaults on top (`"music"` and `"speech-recognition"` turn
    /// processing off, `"speech"` turns echo cancellation and gain control on). Being
    /// defaults, they only apply where the applied constraints leave room.
    pub fn defaults(self, kind: MediaKind) -> MediaTrackConstraintSet {
        let mut d = ua_defaults(kind);
        let set = |d: &mut MediaTrackConstraintSet, ec: bool, agc: bool, ns: Option<bool>| {
            d.echo_cancellation = Some(ConstrainBooleanOrDomString::ideal(ec.into()));
            d.auto_gain_control = Some(ConstrainBoolean::ideal(agc));
            if let Some(ns) = ns {
                d.noise_suppression = Some(ConstrainBoolean::ideal(ns));
            }
        };
        if kind == MediaKind::Audio {
            match self {
                ContentHint::Music | ContentHint::SpeechRecognition => {
                    set(&mut d, false, false, Some(false))
                }
                ContentHint::Speech => set(&mut d, true, true, None),
                _ => {}
            }
        }
        d
    }
}

/// Limited-range ("studio swing") black in Y'CbCr.
const BLACK_Y: u8 = 16;
const NEUTRAL_CHROMA: u8 = 128;

/// Fills `data` with a black picture of `width`×`height` in `format`, as a disabled or
/// muted video track delivers it. Bytes beyond the picture are left alone; a short buffer
/// is filled as far as it goes.
///
/// ```
/// use mediarec_core::PixelFormat;
/// let mut rgba = [7u8; 8];
/// mediarec_stream::fill_black(PixelFormat::Rgba, 2, 1, &mut rgba);
/// assert_eq!(rgba, [0, 0, 0, 255, 0, 0, 0, 255]);
/// ```
pub fn fill_black(format: PixelFormat, width: u32, height: u32, data: &mut [u8]) {
    let pixels = (width as usize).saturating_mul(height as usize);
    match format {
        PixelFormat::I420 => {
            let chroma = (width as usize).div_ceil(2).saturating_mul((height as usize).div_ceil(2));
            let total = pixels.saturating_add(chroma.saturating_mul(2)).min(data.len());
            let (y, uv) = data.split_at_mut(pixels.min(total));
            y.fill(BLACK_Y);
            let uv_len = total.saturating_sub(y.len()).min(uv.len());
            if let Some(uv) = uv.get_mut(..uv_len) {
                uv.fill(NEUTRAL_CHROMA);
            }
        }
        PixelFormat::Rgba | PixelFormat::Bgra => {
            let n = pixels.saturating_mul(4).min(data.len());
            if let Some(px) = data.get_mut(..n) {
                for p in px.chunks_mut(4) {
                    for (i, b) in p.iter_mut().enumerate() {
                        *b = if i == 3 { 255 } else { 0 };
                    }
                }
            }
        }
        _ => {
            let n = pixels.min(data.len());
            if let Some(px) = data.get_mut(..n) {
                px.fill(0);
            }
        }
    }
}

/// A `MediaStreamTrack`: attributes and the constrainable-pattern slots.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaStreamTrack {
    pub(crate) id: String,
    pub(crate) kind: MediaKind,
    pub(crate) label: String,
    pub(crate) source: SourceHandle,
    pub(crate) ready_state: ReadyState,
    pub(crate) enabled: bool,
    pub(crate) muted: bool,
    pub(crate) content_hint: ContentHint,
    pub(crate) capabilities: MediaTrackCapabilities,
    pub(crate) constraints: MediaTrackConstraints,
    pub(crate) settings: MediaTrackSettings,
}

impl MediaStreamTrack {
    /// `kind`.
    pub fn kind(&self) -> MediaKind {
        self.kind
    }
    /// `id`: unique, fixed at creation.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// `label`: the source's label or `""`.
    pub fn label(&self) -> &str {
        &self.label
    }
    /// The source this track draws from (shared with its clones).
    pub fn source(&self) -> SourceHandle {
        self.source
    }
    /// `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        self.ready_state
    }
    /// `enabled`: script's switch; a disabled track delivers silence or black.
    pub fn enabled(&self) -> bool {
        self.enabled
    }
    /// `muted`: the source cannot currently provide media.
    pub fn muted(&self) -> bool {
        self.muted
    }
    /// `contentHint`.
    pub fn content_hint(&self) -> &'static str {
        self.content_hint.as_str()
    }
    /// The content hint as a value.
    pub fn content_hint_value(&self) -> ContentHint {
        self.content_hint
    }
    /// `getCapabilities()`.
    pub fn get_capabilities(&self) -> &MediaTrackCapabilities {
        &self.capabilities
    }
    /// `getConstraints()`: the constraints of the last successful `applyConstraints` (or
    /// of getUserMedia).
    pub fn get_constraints(&self) -> &MediaTrackConstraints {
        &self.constraints
    }
    /// `getSettings()`; an ended track reports only its inherent properties.
    pub fn get_settings(&self) -> MediaTrackSettings {
        match self.ready_state {
            ReadyState::Live => self.settings.clone(),
            ReadyState::Ended => self.settings.inherent_only(),
        }
    }
    /// The current settings even when ended (what the source was configured to).
    pub fn settings(&self) -> &MediaTrackSettings {
        &self.settings
    }

    /// True when media flows: live, unmuted and enabled (spec C.2 "media flow"). Otherwise
    /// consumers receive silence or black frames.
    pub fn is_flowing(&self) -> bool {
        self.ready_state == ReadyState::Live && !self.muted && self.enabled
    }

    /// Replaces `samples` with silence unless the track [is flowing](Self::is_flowing).
    /// Recorders call this on every captured buffer before encoding.
    pub fn apply_enabled_audio(&self, samples: &mut [f32]) {
        if !self.is_flowing() {
            samples.fill(0.0);
        }
    }

    /// [`apply_enabled_audio`](Self::apply_enabled_audio) for 16-bit samples.
    pub fn apply_enabled_audio_i16(&self, samples: &mut [i16]) {
        if !self.is_flowing() {
            samples.fill(0);
        }
    }

    /// Replaces a picture with black unless the track [is flowing](Self::is_flowing).
    pub fn apply_enabled_video(
        &self,
        format: PixelFormat,
        width: u32,
        height: u32,
        data: &mut [u8],
    ) {
        if !self.is_flowing() {
            fill_black(format, width, height, data);
        }
    }

    /// The tie-break defaults SelectSettings uses for this track.
    pub(crate) fn defaults(&self) -> MediaTrackConstraintSet {
        self.content_hint.defaults(self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hint_parsing_per_kind() {
        use ContentHint::*;
        for (kind, v, want) in [
            (MediaKind::Audio, "speech", Some(Speech)),
            (MediaKind::Audio, "speech-recognition", Some(SpeechRecognition)),
            (MediaKind::Audio, "music", Some(Music)),
            (MediaKind::Audio, "", Some(None)),
            (MediaKind::Audio, "motion", Option::None),
            (MediaKind::Audio, "Music", Option::None),
            (MediaKind::Video, "motion", Some(Motion)),
            (MediaKind::Video, "detail", Some(Detail)),
            (MediaKind::Video, "text", Some(Text)),
            (MediaKind::Video, "speech", Option::None),
            (MediaKind::Video, "bogus", Option::None),
        ] {
            assert_eq!(ContentHint::parse(kind, v), want, "{kind:?} {v:?}");
            if let Some(h) = want {
                assert_eq!(h.as_str(), v);
            }
        }
    }

    #[test]
    fn content_hint_defaults() {
        let music = ContentHint::Music.defaults(MediaKind::Audio);
        assert_eq!(music.noise_suppression, Some(ConstrainBoolean::ideal(false)));
        assert_eq!(music.auto_gain_control, Some(ConstrainBoolean::ideal(false)));
        let speech = ContentHint::Speech.defaults(MediaKind::Audio);
        assert_eq!(speech.echo_cancellation, Some(ConstrainBooleanOrDomString::ideal(true.into())));
        assert_eq!(speech.noise_suppression, ua_defaults(MediaKind::Audio).noise_suppression);
        assert_eq!(ContentHint::None.defaults(MediaKind::Video), ua_defaults(MediaKind::Video));
    }

    #[test]
    fn black_frames() {
        let mut i420 = [1u8; 4 * 2 + 2 * 2 + 3];
        fill_black(PixelFormat::I420, 4, 2, &mut i420);
        assert_eq!(&i420[..8], &[16; 8]);
        assert_eq!(&i420[8..12], &[128; 4]);
        assert_eq!(&i420[12..], &[1; 3], "bytes beyond the picture untouched");
        let mut odd = [1u8; 3 * 3 + 2 * 2 * 2];
        fill_black(PixelFormat::I420, 3, 3, &mut odd);
        assert_eq!(&odd[..9], &[16; 9]);
        assert_eq!(&odd[9..], &[128; 8]);
        let mut short = [1u8; 3];
        fill_black(PixelFormat::I420, 1000, 1000, &mut short);
        assert_eq!(short, [16; 3]);
        let mut bgra = [9u8; 5];
        fill_black(PixelFormat::Bgra, 2, 2, &mut bgra);
        assert_eq!(bgra, [0, 0, 0, 255, 0]);
        fill_black(PixelFormat::Rgba, u32::MAX, u32::MAX, &mut []);
    }

    #[test]
    fn ready_state_names() {
        assert_eq!(ReadyState::Live.as_str(), "live");
        assert_eq!(ReadyState::Ended.as_str(), "ended");
    }
}
