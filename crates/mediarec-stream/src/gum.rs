//! getUserMedia's device selection (spec C.12) as pure functions, and the whole algorithm
//! over a [`DeviceCatalogue`] that a platform backend implements.

use alloc::string::String;
use alloc::vec::Vec;
use mediarec_core::MediaKind;

use crate::constraints::{
    ConstrainValue, MediaStreamConstraints, MediaTrackConstraintSet, MediaTrackConstraints,
};
use crate::context::{MediaContext, SourceHandle, StreamHandle, TrackHandle};
use crate::device::InputDeviceInfo;
use crate::error::CaptureError;
use crate::id::IdGenerator;
use crate::settings::MediaTrackSettings;
use crate::space::{Space, ua_defaults};

/// The device chosen for one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceChoice {
    /// Index into the device slice that was searched.
    pub device: usize,
    /// The settings to open it with.
    pub settings: MediaTrackSettings,
    /// The constraints after GUM step 9.3.3 (members of the other kind dropped); they
    /// become the track's `getConstraints()`.
    pub constraints: MediaTrackConstraints,
}

/// The devices chosen for a `MediaStreamConstraints`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    /// The audio choice, if audio was requested.
    pub audio: Option<DeviceChoice>,
    /// The video choice, if video was requested.
    pub video: Option<DeviceChoice>,
}

fn drop_empty_ids(set: &mut MediaTrackConstraintSet) {
    // deviceId/groupId "" MAY be treated as absent in getUserMedia (spec C.8).
    for c in [&mut set.device_id, &mut set.group_id] {
        let empty = match c {
            Some(ConstrainValue::Value(v)) => v.iter().all(String::is_empty),
            Some(ConstrainValue::Params(p)) => {
                let only_empty = |l: &Option<Vec<String>>| {
                    l.as_ref().is_none_or(|l| l.iter().all(String::is_empty))
                };
                only_empty(&p.exact) && only_empty(&p.ideal)
            }
            None => false,
        };
        if empty {
            *c = None;
        }
    }
}

fn select_among(
    kind: MediaKind,
    constraints: &MediaTrackConstraints,
    devices: &[&InputDeviceInfo],
) -> Result<(usize, MediaTrackConstraints, MediaTrackSettings), CaptureError> {
    // 9.3.1: no device of the kind.
    if !devices.iter().any(|d| d.kind == kind) {
        return Err(CaptureError::NotFound {
            message: alloc::format!("no {} input device", kind.as_str()),
        });
    }
    // 9.3.2 / 9.3.3: the constraints for this kind, other-kind members dropped.
    let mut cs = constraints.clone();
    cs.retain_kind(kind);
    drop_empty_ids(&mut cs.basic);
    cs.advanced.iter_mut().for_each(drop_empty_ids);
    // 9.3.4: required constraints outside the allowed list.
    if let Some(p) = cs.disallowed_required() {
        return Err(CaptureError::type_error(alloc::format!(
            "'{}' cannot be a required constraint for device selection",
            p.name()
        )));
    }
    cs.validate()?;
    // 9.3.5: SelectSettings over every device × configuration at once, so advanced sets
    // and the failing-constraint name consider all candidates.
    let space = Space::build(kind, devices, &cs, &ua_defaults(kind));
    let (device, settings) = space.select(&cs)?;
    Ok((device, cs, settings))
}

/// getUserMedia steps 9.3.1–9.3.5 and 9.8.1 for one kind: which device of `devices`
/// (system default of each kind first) to open, with which settings.
///
/// Errors: `NotFoundError` when no device has the kind; `TypeError` for a required
/// constraint not allowed in device selection or a non-finite number;
/// `OverconstrainedError` naming a required constraint no device meets.
///
/// ```
/// use mediarec_core::MediaKind;
/// use mediarec_stream::*;
/// let devices = [
///     InputDeviceInfo::microphone("builtin", "Built-in", "g1", vec![AudioMode::fixed(48_000, 2, 16)]),
///     InputDeviceInfo::microphone("usb", "USB", "g2", vec![AudioMode::fixed(48_000, 1, 16)]),
/// ];
/// let c = MediaTrackConstraints::from(MediaTrackConstraintSet::new().channel_count(1));
/// let choice = select_device(MediaKind::Audio, &c, &devices).unwrap();
/// assert_eq!(devices[choice.device].device_id, "usb");
/// ```
pub fn select_device(
    kind: MediaKind,
    constraints: &MediaTrackConstraints,
    devices: &[InputDeviceInfo],
) -> Result<DeviceChoice, CaptureError> {
    let refs: Vec<&InputDeviceInfo> = devices.iter().collect();
    let (device, constraints, settings) = select_among(kind, constraints, &refs)?;
    Ok(DeviceChoice { device, settings, constraints })
}

/// getUserMedia steps 2–3 and 9.3 for every requested kind (audio first).
///
/// `{}` and `{audio: false, video: false}` are a `TypeError`; otherwise the first
/// failing kind's error (see [`select_device`]).
pub fn select_devices(
    constraints: &MediaStreamConstraints,
    devices: &[InputDeviceInfo],
) -> Result<Selection, CaptureError> {
    let kinds = constraints.requested_kinds();
    if kinds.is_empty() {
        return Err(CaptureError::type_error("at least one of audio and video must be requested"));
    }
    let mut out = Selection::default();
    for kind in kinds {
        let Some(c) = constraints.for_kind(kind) else { continue };
        let choice = select_device(kind, c, devices)?;
        match kind {
            MediaKind::Audio => out.audio = Some(choice),
            MediaKind::Video => out.video = Some(choice),
        }
    }
    Ok(out)
}

/// A permission state (`"granted"`, `"prompt"`, `"denied"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionState {
    /// Access is allowed.
    Granted,
    /// The user would be asked; the catalogue decides when opening.
    Prompt,
    /// Access is refused.
    Denied,
}

/// Why a device could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Held by the OS, hardware or another program (→ `NotReadableError` if no other
    /// device works).
    Busy(String),
    /// Any other failure (→ `AbortError` if no other device works).
    Failed(String),
}

/// The devices of a platform, as a std facade or firmware exposes them to getUserMedia.
pub trait DeviceCatalogue {
    /// What an opened device is (a capture stream handle).
    type Opened;

    /// The input devices, system default of each kind first.
    fn input_devices(&mut self) -> Vec<InputDeviceInfo>;

    /// The permission for `kind` (`"camera"` for video, `"microphone"` for audio).
    fn permission(&mut self, kind: MediaKind) -> PermissionState {
        let _ = kind;
        PermissionState::Granted
    }

    /// Opens `device` configured as `settings`.
    fn open(
        &mut self,
        device: &InputDeviceInfo,
        settings: &MediaTrackSettings,
    ) -> Result<Self::Opened, OpenError>;
}

/// One track getUserMedia created, with its opened device.
#[derive(Debug)]
pub struct OpenedTrack<O> {
    /// The track.
    pub track: TrackHandle,
    /// Its source.
    pub source: SourceHandle,
    /// What the catalogue returned from `open`.
    pub opened: O,
}

/// The result of [`MediaContext::get_user_media`].
#[derive(Debug)]
pub struct UserMedia<O> {
    /// The new stream: one live, enabled track per requested kind.
    pub stream: StreamHandle,
    /// The tracks (audio first) and their opened devices.
    pub tracks: Vec<OpenedTrack<O>>,
}

impl<G: IdGenerator> MediaContext<G> {
    /// `navigator.mediaDevices.getUserMedia(constraints)` over `catalogue`.
    ///
    /// Steps: 2–3 (`TypeError` if nothing is requested), 9.3 for each kind
    /// ([`select_device`]), the permission checks (a `"denied"` kind turns every later
    /// failure into `NotAllowedError`: "specific failure is not allowed"), 9.8 (open
    /// the chosen device; if it fails, drop it and choose again among the others;
    /// `NotReadableError` or `AbortError` when none is left, after the kind of the last
    /// failure), 9.9 (the tracks get the constraints and settings) and 9.10. Nothing is
    /// created in the context unless every kind succeeded; devices opened before a
    /// failure are dropped.
    pub fn get_user_media<C: DeviceCatalogue>(
        &mut self,
        catalogue: &mut C,
        constraints: &MediaStreamConstraints,
    ) -> Result<UserMedia<C::Opened>, CaptureError> {
        let kinds = constraints.requested_kinds();
        if kinds.is_empty() {
            return Err(CaptureError::type_error(
                "at least one of audio and video must be requested",
            ));
        }
        let denied = kinds.iter().any(|k| catalogue.permission(*k) == PermissionState::Denied);
        let not_allowed =
            || CaptureError::NotAllowed { message: String::from("permission denied") };
        let devices = catalogue.input_devices();
        let refs: Vec<&InputDeviceInfo> = devices.iter().collect();
        // 9.3 for every kind before anything is opened.
        let mut plans = Vec::new();
        for &kind in &kinds {
            let Some(c) = constraints.for_kind(kind) else { continue };
            match select_among(kind, c, &refs) {
                Ok(plan) => plans.push((kind, c, plan)),
                Err(e @ (CaptureError::NotFound { .. } | CaptureError::Overconstrained(_)))
                    if denied =>
                {
                    let _ = e;
                    return Err(not_allowed());
                }
                Err(e) => return Err(e),
            }
        }
        // 9.5: permission.
        if denied {
            return Err(not_allowed());
        }
        // 9.8: open one device per kind, retrying with the remaining devices.
        let mut opened = Vec::new();
        for (kind, c, first) in plans {
            let mut excluded: Vec<usize> = Vec::new();
            let mut plan = first;
            let result = loop {
                let (index, cs, settings) = plan;
                let Some(device) = devices.get(index) else {
                    break Err(CaptureError::Abort { message: String::from("device vanished") });
                };
                match catalogue.open(device, &settings) {
                    Ok(o) => break Ok((index, cs, settings, o)),
                    Err(err) => {
                        excluded.push(index);
                        let remaining: Vec<&InputDeviceInfo> = devices
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| !excluded.contains(i))
                            .map(|(_, d)| d)
                            .collect();
                        let positions: Vec<usize> =
                            (0..devices.len()).filter(|i| !excluded.contains(i)).collect();
                        match select_among(kind, c, &remaining) {
                            Ok((pos, cs, settings)) => match positions.get(pos) {
                                Some(&i) => plan = (i, cs, settings),
                                None => break Err(open_failure(err)),
                            },
                            Err(_) => break Err(open_failure(err)),
                        }
                    }
                }
            };
            // On failure `opened` is dropped here, releasing what was already open.
            opened.push(result?);
        }
        // 9.4, 9.8.4, 9.9, 9.10: create sources, tracks and the stream.
        let mut tracks = Vec::new();
        for (index, cs, settings, o) in opened {
            let Some(device) = devices.get(index) else { continue };
            let source = self.create_source(device.clone());
            let track = self.create_track_with_settings(source, cs, settings)?;
            tracks.push(OpenedTrack { track, source, opened: o });
        }
        let handles: Vec<TrackHandle> = tracks.iter().map(|t| t.track).collect();
        let stream = self.create_stream(&handles)?;
        Ok(UserMedia { stream, tracks })
    }
}

fn open_failure(err: OpenError) -> CaptureError {
    match err {
        OpenError::Busy(message) => CaptureError::NotReadable { message },
        OpenError::Failed(message) => CaptureError::Abort { message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraints::{ConstrainBoolean, ConstrainDomString, ConstrainULong};
    use crate::device::{AudioMode, ValueRange, VideoMode};
    use crate::id::SeededIds;
    use crate::track::ReadyState;
    use alloc::vec;
    use mediarec_core::DomErrorName;

    fn devices() -> Vec<InputDeviceInfo> {
        vec![
            InputDeviceInfo::microphone(
                "builtin",
                "Built-in",
                "g1",
                vec![AudioMode {
                    channel_count: ValueRange::new(1, 2, 2),
                    ..AudioMode::fixed(48_000, 2, 16)
                }],
            ),
            InputDeviceInfo::microphone("usb", "USB", "g2", vec![AudioMode::fixed(44_100, 1, 16)]),
            InputDeviceInfo::camera("cam", "Cam", "g1", vec![VideoMode::new(1280, 720, 30.0)]),
        ]
    }

    fn audio(set: MediaTrackConstraintSet) -> MediaStreamConstraints {
        MediaStreamConstraints::new().with_audio(MediaTrackConstraints::from(set))
    }

    #[test]
    fn step3_nothing_requested_is_type_error() {
        let e = select_devices(&MediaStreamConstraints::new(), &devices()).unwrap_err();
        assert_eq!(e.dom_name(), DomErrorName::Type);
        assert_eq!(e.constraint(), None);
    }

    #[test]
    fn step9_3_1_no_device_of_kind_is_not_found() {
        let only_mics = &devices()[..2];
        let c = MediaStreamConstraints::new().with_video(MediaTrackConstraints::new());
        assert_eq!(select_devices(&c, only_mics).unwrap_err().dom_name(), DomErrorName::NotFound);
        // NotFound is checked before the TypeError of 9.3.4.
        let c = MediaStreamConstraints::new().with_video(MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().background_blur(ConstrainBoolean::exact(true)),
        ));
        assert_eq!(select_devices(&c, only_mics).unwrap_err().dom_name(), DomErrorName::NotFound);
    }

    #[test]
    fn step9_3_3_other_kind_members_are_ignored() {
        let c = audio(MediaTrackConstraintSet::new().width(ConstrainULong::exact(99_999)));
        let sel = select_devices(&c, &devices()).unwrap();
        let a = sel.audio.unwrap();
        assert_eq!(a.device, 0);
        assert!(a.constraints.basic.width.is_none(), "dropped from the track's constraints");
        assert!(sel.video.is_none());
    }

    #[test]
    fn step9_3_4_disallowed_required_is_type_error() {
        let c =
            audio(MediaTrackConstraintSet::new().voice_isolation(ConstrainBoolean::exact(true)));
        let e = select_devices(&c, &devices()).unwrap_err();
        assert_eq!(e.dom_name(), DomErrorName::Type);
        assert!(e.message().contains("voiceIsolation"));
        let ideal =
            audio(MediaTrackConstraintSet::new().voice_isolation(ConstrainBoolean::ideal(true)));
        assert!(select_devices(&ideal, &devices()).is_ok());
    }

    #[test]
    fn step9_3_5_overconstrained_names_constraint() {
        let c = audio(MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(64)));
        let e = select_devices(&c, &devices()).unwrap_err();
        assert_eq!(e.dom_name(), DomErrorName::Overconstrained);
        assert_eq!(e.constraint(), Some("channelCount"));
        let c = audio(
            MediaTrackConstraintSet::new()
                .device_id(ConstrainDomString::exact_str("no-such-device")),
        );
        assert_eq!(select_devices(&c, &devices()).unwrap_err().constraint(), Some("deviceId"));
    }

    #[test]
    fn device_choice_by_fitness_and_default_first() {
        let sel = select_devices(&audio(MediaTrackConstraintSet::new()), &devices()).unwrap();
        assert_eq!(sel.audio.unwrap().device, 0, "ties go to the system default");
        let c = audio(MediaTrackConstraintSet::new().sample_rate(44_100));
        assert_eq!(select_devices(&c, &devices()).unwrap().audio.unwrap().device, 1);
        let c = audio(MediaTrackConstraintSet::new().device_id("usb"));
        assert_eq!(select_devices(&c, &devices()).unwrap().audio.unwrap().device, 1);
        let c = audio(MediaTrackConstraintSet::new().group_id(ConstrainDomString::exact_str("g2")));
        assert_eq!(select_devices(&c, &devices()).unwrap().audio.unwrap().device, 1);
        // Advanced sets act across devices.
        let c = MediaStreamConstraints::new().with_audio(
            MediaTrackConstraints::new()
                .with_advanced(MediaTrackConstraintSet::new().device_id("usb")),
        );
        assert_eq!(select_devices(&c, &devices()).unwrap().audio.unwrap().device, 1);
        // deviceId "" is treated as absent.
        let c = audio(MediaTrackConstraintSet::new().device_id(ConstrainDomString::exact_str("")));
        assert_eq!(select_devices(&c, &devices()).unwrap().audio.unwrap().device, 0);
    }

    #[test]
    fn both_kinds() {
        let c = MediaStreamConstraints::new().with_audio(MediaTrackConstraints::new()).with_video(
            MediaTrackConstraints::from(
                MediaTrackConstraintSet::new().width(ConstrainULong::exact(640)),
            ),
        );
        let sel = select_devices(&c, &devices()).unwrap();
        assert_eq!(sel.audio.unwrap().device, 0);
        let v = sel.video.unwrap();
        assert_eq!(v.device, 2);
        assert_eq!((v.settings.width, v.settings.height), (Some(640), Some(360)));
    }

    // ---- the full algorithm over a catalogue ------------------------------------------

    struct Fake {
        devices: Vec<InputDeviceInfo>,
        busy: Vec<&'static str>,
        broken: Vec<&'static str>,
        denied: Option<MediaKind>,
        opened: Vec<String>,
    }

    impl Fake {
        fn new() -> Self {
            Fake { devices: devices(), busy: vec![], broken: vec![], denied: None, opened: vec![] }
        }
    }

    impl DeviceCatalogue for Fake {
        type Opened = String;
        fn input_devices(&mut self) -> Vec<InputDeviceInfo> {
            self.devices.clone()
        }
        fn permission(&mut self, kind: MediaKind) -> PermissionState {
            if self.denied == Some(kind) {
                PermissionState::Denied
            } else {
                PermissionState::Prompt
            }
        }
        fn open(
            &mut self,
            d: &InputDeviceInfo,
            _: &MediaTrackSettings,
        ) -> Result<String, OpenError> {
            self.opened.push(d.device_id.clone());
            if self.busy.contains(&d.device_id.as_str()) {
                Err(OpenError::Busy("in use".into()))
            } else if self.broken.contains(&d.device_id.as_str()) {
                Err(OpenError::Failed("driver error".into()))
            } else {
                Ok(d.device_id.clone())
            }
        }
    }

    fn ctx() -> MediaContext<SeededIds> {
        MediaContext::new(SeededIds::new(9))
    }

    #[test]
    fn gum_creates_one_live_track_per_kind() {
        let mut ctx = ctx();
        let mut cat = Fake::new();
        let c = MediaStreamConstraints::new().with_video(MediaTrackConstraints::new()).with_audio(
            MediaTrackConstraints::from(MediaTrackConstraintSet::new().sample_rate(44_100)),
        );
        let um = ctx.get_user_media(&mut cat, &c).unwrap();
        let v = ctx.stream(um.stream).unwrap();
        assert!(v.active());
        assert_eq!(v.get_audio_tracks().len(), 1);
        assert_eq!(v.get_video_tracks().len(), 1);
        assert_eq!(um.tracks.len(), 2);
        let a = ctx.track(um.tracks[0].track).unwrap();
        assert_eq!(a.ready_state(), ReadyState::Live);
        assert!(a.enabled());
        assert_eq!(a.label(), "USB", "the 44.1 kHz device fits best");
        assert_eq!(a.get_constraints().basic.sample_rate, Some(ConstrainULong::Value(44_100)));
        assert_eq!(a.get_settings().sample_rate, Some(44_100));
        assert_eq!(um.tracks[0].opened, "usb");
        assert_eq!(ctx.track(um.tracks[1].track).unwrap().label(), "Cam");
    }

    #[test]
    fn gum_retries_busy_device_then_not_readable() {
        let mut ctx = ctx();
        let mut cat = Fake::new();
        cat.busy = vec!["builtin"];
        let c = MediaStreamConstraints::new().with_audio(MediaTrackConstraints::new());
        let um = ctx.get_user_media(&mut cat, &c).unwrap();
        assert_eq!(um.tracks[0].opened, "usb");
        assert_eq!(cat.opened, ["builtin", "usb"]);
        cat.busy = vec!["builtin", "usb"];
        let e = ctx.get_user_media(&mut cat, &c).unwrap_err();
        assert_eq!(e.dom_name(), DomErrorName::NotReadable);
        cat.busy = vec!["builtin"];
        cat.broken = vec!["usb"];
        assert_eq!(ctx.get_user_media(&mut cat, &c).unwrap_err().dom_name(), DomErrorName::Abort);
        // Retries only consider devices that meet the constraints.
        cat.broken.clear();
        let stereo = audio(MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(2)));
        assert_eq!(
            ctx.get_user_media(&mut cat, &stereo).unwrap_err().dom_name(),
            DomErrorName::NotReadable
        );
    }

    #[test]
    fn gum_failure_in_second_kind_creates_nothing() {
        let mut ctx = ctx();
        let mut cat = Fake::new();
        cat.busy = vec!["cam"];
        let c = MediaStreamConstraints::new()
            .with_audio(MediaTrackConstraints::new())
            .with_video(MediaTrackConstraints::new());
        assert_eq!(
            ctx.get_user_media(&mut cat, &c).unwrap_err().dom_name(),
            DomErrorName::NotReadable
        );
        // The context is untouched: the next stream handle is the first one created.
        let s = ctx.create_stream(&[]).unwrap();
        assert_eq!(s.get(), 1);
    }

    #[test]
    fn gum_errors_and_permission_masking() {
        let mut ctx = ctx();
        let mut cat = Fake::new();
        assert_eq!(
            ctx.get_user_media(&mut cat, &MediaStreamConstraints::new()).unwrap_err().dom_name(),
            DomErrorName::Type
        );
        let over = audio(MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(64)));
        assert_eq!(
            ctx.get_user_media(&mut cat, &over).unwrap_err().constraint(),
            Some("channelCount")
        );
        cat.denied = Some(MediaKind::Audio);
        assert_eq!(
            ctx.get_user_media(&mut cat, &over).unwrap_err().dom_name(),
            DomErrorName::NotAllowed
        );
        let fine = MediaStreamConstraints::new().with_audio(MediaTrackConstraints::new());
        assert_eq!(
            ctx.get_user_media(&mut cat, &fine).unwrap_err().dom_name(),
            DomErrorName::NotAllowed
        );
        // TypeError is not masked.
        let blur =
            audio(MediaTrackConstraintSet::new().voice_isolation(ConstrainBoolean::exact(true)));
        assert_eq!(ctx.get_user_media(&mut cat, &blur).unwrap_err().dom_name(), DomErrorName::Type);
        cat.devices.clear();
        assert_eq!(
            ctx.get_user_media(&mut cat, &fine).unwrap_err().dom_name(),
            DomErrorName::NotAllowed
        );
        cat.denied = None;
        assert_eq!(
            ctx.get_user_media(&mut cat, &fine).unwrap_err().dom_name(),
            DomErrorName::NotFound
        );
        assert!(cat.opened.is_empty(), "nothing opened on selection failures");
    }
}
