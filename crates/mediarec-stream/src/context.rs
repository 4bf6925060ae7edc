//! [`MediaContext`]: the owner of sources, tracks and streams, and the one place their
//! state changes. Sans-IO: it never touches a device; what a driver must act on comes out
//! of [`poll_event`](MediaContext::poll_event).

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;

use crate::constraints::MediaTrackConstraints;
use crate::device::{DeviceChange, InputDeviceInfo, MediaDeviceInfo, diff_devices};
use crate::error::{CaptureError, OverconstrainedError};
use crate::id::IdGenerator;
use crate::settings::MediaTrackSettings;
use crate::space::select_settings_for_device;
use crate::stream::{MediaStream, StreamView};
use crate::track::{ContentHint, MediaStreamTrack, ReadyState};

macro_rules! handle {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u64);

        impl $name {
            /// The raw number (unique within one context, never reused).
            pub const fn get(self) -> u64 {
                self.0
            }
        }
    };
}

handle!(
    /// Names a track inside one [`MediaContext`].
    TrackHandle
);
handle!(
    /// Names a stream inside one [`MediaContext`].
    StreamHandle
);
handle!(
    /// Names a source (an opened device or a synthetic source) inside one [`MediaContext`].
    SourceHandle
);

/// What happened, in order. Web events are named after the event; the rest are for the
/// driver that owns the devices.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaEvent {
    /// `addtrack` on `stream` (only for changes made through
    /// [`MediaContext::ua_add_track`], never for script `addTrack`).
    AddTrack {
        /// The stream.
        stream: StreamHandle,
        /// The added track.
        track: TrackHandle,
    },
    /// `removetrack` on `stream` (only for [`MediaContext::ua_remove_track`]).
    RemoveTrack {
        /// The stream.
        stream: StreamHandle,
        /// The removed track.
        track: TrackHandle,
    },
    /// `ended` on `track`: its source ended for a reason other than `stop()`.
    Ended {
        /// The track.
        track: TrackHandle,
    },
    /// `mute` on `track`.
    Mute {
        /// The track.
        track: TrackHandle,
    },
    /// `unmute` on `track`.
    Unmute {
        /// The track.
        track: TrackHandle,
    },
    /// `overconstrained` on `track`: after its source changed, its constraints can no
    /// longer be met; the settings were left as they were.
    Overconstrained {
        /// The track.
        track: TrackHandle,
        /// Which constraint failed.
        error: OverconstrainedError,
    },
    /// `devicechange`: the device list given to [`MediaContext::update_devices`] differs.
    DeviceChange(DeviceChange),
    /// Driver: the track's settings changed (after `applyConstraints`, a content hint or
    /// a source change); reconfigure the device or the scaler/resampler for it.
    SettingsChanged {
        /// The track.
        track: TrackHandle,
    },
    /// Driver: no live track uses the source any more; release the device.
    SourceReleased {
        /// The source.
        source: SourceHandle,
    },
}

/// A source as the context tracks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub(crate) device: InputDeviceInfo,
    pub(crate) muted: bool,
    pub(crate) stopped: bool,
}

impl Source {
    /// The device description the source was created from.
    pub fn device(&self) -> &InputDeviceInfo {
        &self.device
    }
    /// The source is muted.
    pub fn muted(&self) -> bool {
        self.muted
    }
    /// No track will use the source again.
    pub fn stopped(&self) -> bool {
        self.stopped
    }
}

/// Owns the Media Capture objects of one document (or program) and queues their events.
///
/// Script-side operations (`stop`, `addTrack`, `applyConstraints`, …) and UA-side
/// changes (a device unplugged or muted, a track added by the UA) are methods; each may
/// queue [`MediaEvent`]s. After every call, drain [`poll_event`](Self::poll_event) until
/// it returns `None`. Events are queued when the change happens, which is the order the
/// spec's tasks would run in.
///
/// Tracks that share a source (clones) keep their own constraints and settings; the
/// driver delivers each track's settings from the source (resampling or scaling where the
/// device runs differently). Conflicts between tracks of one source are not modelled.
///
/// ```
/// use mediarec_core::MediaKind;
/// use mediarec_stream::*;
/// let mut ctx = MediaContext::new(SeededIds::new(1));
/// let mic = InputDeviceInfo::microphone("m", "Mic", "g", vec![AudioMode::fixed(48_000, 1, 16)]);
/// let src = ctx.create_source(mic);
/// let track = ctx.create_track(src, MediaTrackConstraints::new())?;
/// let stream = ctx.create_stream(&[track])?;
/// assert!(ctx.stream(stream).unwrap().active());
/// ctx.stop_track(track)?;                       // script stop(): no `ended` event
/// assert!(!ctx.stream(stream).unwrap().active());
/// assert_eq!(ctx.poll_event(), Some(MediaEvent::SourceReleased { source: src }));
/// assert_eq!(ctx.poll_event(), None);
/// # Ok::<(), CaptureError>(())
/// ```
#[derive(Debug)]
pub struct MediaContext<G> {
    ids: G,
    next: u64,
    sources: BTreeMap<SourceHandle, Source>,
    tracks: BTreeMap<TrackHandle, MediaStreamTrack>,
    streams: BTreeMap<StreamHandle, MediaStream>,
    events: VecDeque<MediaEvent>,
    devices: Vec<MediaDeviceInfo>,
}

impl<G: IdGenerator> MediaContext<G> {
    /// An empty context drawing ids from `ids`.
    pub fn new(ids: G) -> Self {
        MediaContext {
            ids,
            next: 0,
            sources: BTreeMap::new(),
            tracks: BTreeMap::new(),
            streams: BTreeMap::new(),
            events: VecDeque::new(),
            devices: Vec::new(),
        }
    }

    fn bump(&mut self) -> u64 {
        self.next = self.next.wrapping_add(1);
        self.next
    }

    /// The next queued event, oldest first.
    pub fn poll_event(&mut self) -> Option<MediaEvent> {
        self.events.pop_front()
    }

    // ---- sources ---------------------------------------------------------------------

    /// Registers a source for `device` (an opened capture device, or a synthetic one).
    pub fn create_source(&mut self, device: InputDeviceInfo) -> SourceHandle {
        let h = SourceHandle(self.bump());
        self.sources.insert(h, Source { device, muted: false, stopped: false });
        h
    }

    /// The source behind `h`.
    pub fn source(&self, h: SourceHandle) -> Option<&Source> {
        self.sources.get(&h)
    }

    fn tracks_of(&self, source: SourceHandle) -> Vec<TrackHandle> {
        self.tracks.iter().filter(|(_, t)| t.source == source).map(|(h, _)| *h).collect()
    }

    fn live_tracks_of(&self, source: SourceHandle) -> Vec<TrackHandle> {
        self.tracks
            .iter()
            .filter(|(_, t)| t.source == source && t.ready_state == ReadyState::Live)
            .map(|(h, _)| *h)
            .collect()
    }

    /// The source ended for good (device unplugged, exhausted, access revoked): every
    /// live track of it ends and fires `ended`.
    pub fn end_source(&mut self, source: SourceHandle) -> Result<(), CaptureError> {
        let s =
            self.sources.get_mut(&source).ok_or_else(|| CaptureError::unknown_handle("source"))?;
        s.stopped = true;
        for t in self.live_tracks_of(source) {
            if let Some(track) = self.tracks.get_mut(&t) {
                track.ready_state = ReadyState::Ended;
                self.events.push_back(MediaEvent::Ended { track: t });
            }
        }
        Ok(())
    }

    /// The UA ends one track for its own reasons (e.g. permission revoked): the track ends
    /// and fires `ended`; if it was the source's last live track the source is released.
    pub fn end_track(&mut self, track: TrackHandle) -> Result<(), CaptureError> {
        let t = self.tracks.get_mut(&track).ok_or_else(|| CaptureError::unknown_handle("track"))?;
        if t.ready_state == ReadyState::Ended {
            return Ok(());
        }
        t.ready_state = ReadyState::Ended;
        let source = t.source;
        self.events.push_back(MediaEvent::Ended { track });
        self.release_if_unused(source);
        Ok(())
    }

    fn release_if_unused(&mut self, source: SourceHandle) {
        if self.live_tracks_of(source).is_empty()
            && let Some(s) = self.sources.get_mut(&source)
            && !s.stopped
        {
            s.stopped = true;
            self.events.push_back(MediaEvent::SourceReleased { source });
        }
    }

    /// "Set a track's muted state" for every track of the source: tracks whose state
    /// changes fire `mute` or `unmute`. Ended tracks are left alone.
    pub fn set_source_muted(
        &mut self,
        source: SourceHandle,
        muted: bool,
    ) -> Result<(), CaptureError> {
        let s =
            self.sources.get_mut(&source).ok_or_else(|| CaptureError::unknown_handle("source"))?;
        s.muted = muted;
        for h in self.tracks_of(source) {
            if let Some(t) = self.tracks.get_mut(&h)
                && t.ready_state == ReadyState::Live
                && t.muted != muted
            {
                t.muted = muted;
                self.events.push_back(if muted {
                    MediaEvent::Mute { track: h }
                } else {
                    MediaEvent::Unmute { track: h }
                });
            }
        }
        Ok(())
    }

    /// The source's capabilities changed (a backend renegotiated, a mode disappeared):
    /// every live track re-runs SelectSettings with its constraints. A track whose
    /// constraints still fit gets new settings if needed (`SettingsChanged`); one whose
    /// constraints no longer fit keeps its settings and fires `overconstrained`.
    pub fn update_source(
        &mut self,
        source: SourceHandle,
        device: InputDeviceInfo,
    ) -> Result<(), CaptureError> {
        let s =
            self.sources.get_mut(&source).ok_or_else(|| CaptureError::unknown_handle("source"))?;
        s.device = device.clone();
        let caps = device.get_capabilities();
        for h in self.live_tracks_of(source) {
            let Some(t) = self.tracks.get_mut(&h) else { continue };
            t.capabilities = caps.clone();
            match select_settings_for_device(&device, &t.constraints, &t.defaults()) {
                Ok(s) => {
                    if s != t.settings {
                        t.settings = s;
                        self.events.push_back(MediaEvent::SettingsChanged { track: h });
                    }
                }
                Err(CaptureError::Overconstrained(error)) => {
                    self.events.push_back(MediaEvent::Overconstrained { track: h, error });
                }
                Err(_) => {}
            }
        }
        Ok(())
    }

    // ---- tracks ----------------------------------------------------------------------

    /// "Create a MediaStreamTrack" on `source`, then ApplyConstraints with `constraints`.
    /// Fails (creating nothing) with `OverconstrainedError` or `TypeError`.
    pub fn create_track(
        &mut self,
        source: SourceHandle,
        constraints: MediaTrackConstraints,
    ) -> Result<TrackHandle, CaptureError> {
        let s = self.sources.get(&source).ok_or_else(|| CaptureError::unknown_handle("source"))?;
        let defaults = ContentHint::None.defaults(s.device.kind);
        let settings = select_settings_for_device(&s.device, &constraints, &defaults)?;
        self.create_track_with_settings(source, constraints, settings)
    }

    /// Creates a track whose settings were already chosen (by device selection).
    pub(crate) fn create_track_with_settings(
        &mut self,
        source: SourceHandle,
        constraints: MediaTrackConstraints,
        settings: MediaTrackSettings,
    ) -> Result<TrackHandle, CaptureError> {
        let id = self.ids.next_id();
        let s = self.sources.get(&source).ok_or_else(|| CaptureError::unknown_handle("source"))?;
        let track = MediaStreamTrack {
            id,
            kind: s.device.kind,
            label: s.device.label.clone(),
            source,
            ready_state: if s.stopped { ReadyState::Ended } else { ReadyState::Live },
            enabled: true,
            muted: s.muted,
            content_hint: ContentHint::None,
            capabilities: s.device.get_capabilities(),
            constraints,
            settings,
        };
        let h = TrackHandle(self.bump());
        self.tracks.insert(h, track);
        Ok(h)
    }

    /// The track behind `h`: every attribute and getter.
    pub fn track(&self, h: TrackHandle) -> Option<&MediaStreamTrack> {
        self.tracks.get(&h)
    }

    fn track_mut(&mut self, h: TrackHandle) -> Result<&mut MediaStreamTrack, CaptureError> {
        self.tracks.get_mut(&h).ok_or_else(|| CaptureError::unknown_handle("track"))
    }

    /// `track.enabled = value`. Always stored, even on an ended track (where it has no
    /// effect).
    pub fn set_enabled(&mut self, h: TrackHandle, value: bool) -> Result<(), CaptureError> {
        self.track_mut(h)?.enabled = value;
        Ok(())
    }

    /// `track.contentHint = value`. Values that are unknown or meant for the other kind
    /// are silently ignored. A live track re-selects its settings with the hint's
    /// defaults (C.3); if they change, `SettingsChanged` is queued.
    pub fn set_content_hint(&mut self, h: TrackHandle, value: &str) -> Result<(), CaptureError> {
        let t = self.tracks.get(&h).ok_or_else(|| CaptureError::unknown_handle("track"))?;
        let Some(hint) = ContentHint::parse(t.kind, value) else { return Ok(()) };
        let source = t.source;
        let reselect = t.ready_state == ReadyState::Live && hint != t.content_hint;
        let device = self.sources.get(&source).map(|s| s.device.clone());
        let t = self.track_mut(h)?;
        t.content_hint = hint;
        if reselect
            && let Some(device) = device
            && let Ok(s) = select_settings_for_device(&device, &t.constraints, &t.defaults())
            && s != t.settings
        {
            t.settings = s;
            self.events.push_back(MediaEvent::SettingsChanged { track: h });
        }
        Ok(())
    }

    /// `track.stop()`: ends the track synchronously without an `ended` event. When no
    /// live track uses the source any more, `SourceReleased` is queued.
    pub fn stop_track(&mut self, h: TrackHandle) -> Result<(), CaptureError> {
        let t = self.track_mut(h)?;
        if t.ready_state == ReadyState::Ended {
            return Ok(());
        }
        t.ready_state = ReadyState::Ended;
        let source = t.source;
        self.release_if_unused(source);
        Ok(())
    }

    /// `track.clone()`: a new track (new id) on the same source with the same ready
    /// state, capabilities, constraints and settings. `enabled` and `contentHint` are
    /// copied as engines do (the spec's current clone steps leave them at their defaults;
    /// spec digest D.9).
    pub fn clone_track(&mut self, h: TrackHandle) -> Result<TrackHandle, CaptureError> {
        let t = self.tracks.get(&h).ok_or_else(|| CaptureError::unknown_handle("track"))?.clone();
        let id = self.ids.next_id();
        let n = TrackHandle(self.bump());
        self.tracks.insert(n, MediaStreamTrack { id, ..t });
        Ok(n)
    }

    /// `track.applyConstraints(constraints)`: on an ended track nothing happens and the
    /// call succeeds. Otherwise SelectSettings runs against the track's source; on
    /// failure the error names the constraint and nothing changes; on success the
    /// constraints are replaced and, if the settings changed, `SettingsChanged` is queued.
    pub fn apply_constraints(
        &mut self,
        h: TrackHandle,
        constraints: MediaTrackConstraints,
    ) -> Result<(), CaptureError> {
        let t = self.tracks.get(&h).ok_or_else(|| CaptureError::unknown_handle("track"))?;
        if t.ready_state == ReadyState::Ended {
            return Ok(());
        }
        let s =
            self.sources.get(&t.source).ok_or_else(|| CaptureError::unknown_handle("source"))?;
        let settings = select_settings_for_device(&s.device, &constraints, &t.defaults())?;
        let t = self.track_mut(h)?;
        t.constraints = constraints;
        if settings != t.settings {
            t.settings = settings;
            self.events.push_back(MediaEvent::SettingsChanged { track: h });
        }
        Ok(())
    }

    /// Forgets a track: stops it if live and removes it from every stream (without
    /// events). Its handle becomes unknown.
    pub fn release_track(&mut self, h: TrackHandle) -> Result<(), CaptureError> {
        self.stop_track(h)?;
        self.tracks.remove(&h);
        for s in self.streams.values_mut() {
            s.remove(h);
        }
        Ok(())
    }

    // ---- streams ---------------------------------------------------------------------

    fn check_tracks(&self, tracks: &[TrackHandle]) -> Result<(), CaptureError> {
        if tracks.iter().all(|t| self.tracks.contains_key(t)) {
            Ok(())
        } else {
            Err(CaptureError::unknown_handle("track"))
        }
    }

    /// `new MediaStream(tracks)` (and `new MediaStream()` with an empty slice): a fresh
    /// id; duplicates are skipped; ended tracks are accepted; tracks are shared, not
    /// cloned.
    pub fn create_stream(&mut self, tracks: &[TrackHandle]) -> Result<StreamHandle, CaptureError> {
        self.check_tracks(tracks)?;
        let mut s = MediaStream { id: self.ids.next_id(), tracks: Vec::new() };
        for t in tracks {
            s.insert(*t);
        }
        let h = StreamHandle(self.bump());
        self.streams.insert(h, s);
        Ok(h)
    }

    /// `new MediaStream(stream)`: a new stream sharing the tracks of `other`.
    pub fn create_stream_from(
        &mut self,
        other: StreamHandle,
    ) -> Result<StreamHandle, CaptureError> {
        let tracks = self.stream_state(other)?.tracks.clone();
        self.create_stream(&tracks)
    }

    fn stream_state(&self, h: StreamHandle) -> Result<&MediaStream, CaptureError> {
        self.streams.get(&h).ok_or_else(|| CaptureError::unknown_handle("stream"))
    }

    fn stream_mut(&mut self, h: StreamHandle) -> Result<&mut MediaStream, CaptureError> {
        self.streams.get_mut(&h).ok_or_else(|| CaptureError::unknown_handle("stream"))
    }

    /// A view of the stream: `id`, `active`, `getTracks()`, `getTrackById()`, …
    pub fn stream(&self, h: StreamHandle) -> Option<StreamView<'_>> {
        self.streams.get(&h).map(|stream| StreamView { stream, tracks: &self.tracks })
    }

    /// `stream.addTrack(track)` from script: adds if absent, never fires an event (WPT;
    /// spec digest D.10). Works on inactive streams.
    pub fn add_track(&mut self, s: StreamHandle, t: TrackHandle) -> Result<(), CaptureError> {
        self.check_tracks(&[t])?;
        self.stream_mut(s)?.insert(t);
        Ok(())
    }

    /// `stream.removeTrack(track)` from script: removes if present, never fires an event.
    pub fn remove_track(&mut self, s: StreamHandle, t: TrackHandle) -> Result<(), CaptureError> {
        self.stream_mut(s)?.remove(t);
        Ok(())
    }

    /// The UA's *add a track*: like `addTrack`, plus `addtrack` when the set changed.
    pub fn ua_add_track(&mut self, s: StreamHandle, t: TrackHandle) -> Result<(), CaptureError> {
        self.check_tracks(&[t])?;
        if self.stream_mut(s)?.insert(t) {
            self.events.push_back(MediaEvent::AddTrack { stream: s, track: t });
        }
        Ok(())
    }

    /// The UA's *remove a track*: like `removeTrack`, plus `removetrack` when the set
    /// changed.
    pub fn ua_remove_track(&mut self, s: StreamHandle, t: TrackHandle) -> Result<(), CaptureError> {
        if self.stream_mut(s)?.remove(t) {
            self.events.push_back(MediaEvent::RemoveTrack { stream: s, track: t });
        }
        Ok(())
    }

    /// `stream.clone()`: a new stream (new id) holding a clone of every member track.
    pub fn clone_stream(&mut self, s: StreamHandle) -> Result<StreamHandle, CaptureError> {
        let members = self.stream_state(s)?.tracks.clone();
        let mut clones = Vec::with_capacity(members.len());
        for t in members {
            clones.push(self.clone_track(t)?);
        }
        self.create_stream(&clones)
    }

    /// Forgets a stream (its tracks stay).
    pub fn release_stream(&mut self, s: StreamHandle) -> Result<(), CaptureError> {
        self.streams.remove(&s).map(|_| ()).ok_or_else(|| CaptureError::unknown_handle("stream"))
    }

    // ---- devices ---------------------------------------------------------------------

    /// Stores the exposed device list; queues `devicechange` when it differs from the
    /// previous one (same entries in the same order count as unchanged). Returns whether
    /// it changed.
    pub fn update_devices(&mut self, devices: Vec<MediaDeviceInfo>) -> bool {
        match diff_devices(&self.devices, &devices) {
            None => false,
            Some(change) => {
                self.devices = devices;
                self.events.push_back(MediaEvent::DeviceChange(change));
                true
            }
        }
    }

    /// The last list given to [`update_devices`](Self::update_devices).
    pub fn devices(&self) -> &[MediaDeviceInfo] {
        &self.devices
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraints::{ConstrainULong, MediaTrackConstraintSet};
    use crate::device::{AudioMode, MediaDeviceKind, ValueRange, VideoMode};
    use crate::id::{SeededIds, is_valid_id};
    use crate::settings::BoolOrString;
    use alloc::vec;
    use mediarec_core::{DomErrorName, MediaKind, PixelFormat};

    fn mic() -> InputDeviceInfo {
        InputDeviceInfo::microphone(
            "mic",
            "Mic",
            "g",
            vec![AudioMode {
                channel_count: ValueRange::new(1, 2, 2),
                ..AudioMode::fixed(48_000, 2, 16)
            }],
        )
    }

    fn cam() -> InputDeviceInfo {
        InputDeviceInfo::camera("cam", "Cam", "g", vec![VideoMode::new(1280, 720, 30.0)])
    }

    fn setup() -> (MediaContext<SeededIds>, SourceHandle, TrackHandle, TrackHandle) {
        let mut ctx = MediaContext::new(SeededIds::new(42));
        let a = ctx.create_source(mic());
        let v = ctx.create_source(cam());
        let at = ctx.create_track(a, MediaTrackConstraints::new()).unwrap();
        let vt = ctx.create_track(v, MediaTrackConstraints::new()).unwrap();
        (ctx, a, at, vt)
    }

    fn drain(ctx: &mut MediaContext<SeededIds>) -> Vec<MediaEvent> {
        core::iter::from_fn(|| ctx.poll_event()).collect()
    }

    #[test]
    fn new_track_attributes() {
        let (ctx, a, at, vt) = setup();
        let t = ctx.track(at).unwrap();
        assert_eq!(t.kind(), MediaKind::Audio);
        assert!(is_valid_id(t.id()));
        assert_eq!(t.label(), "Mic");
        assert_eq!(t.source(), a);
        assert_eq!(t.ready_state(), ReadyState::Live);
        assert!(t.enabled() && !t.muted());
        assert_eq!(t.content_hint(), "");
        assert_eq!(t.get_settings().sample_rate, Some(48_000));
        assert_eq!(t.get_capabilities().channel_count.unwrap().max, 2);
        assert_eq!(t.get_constraints(), &MediaTrackConstraints::new());
        assert_ne!(ctx.track(vt).unwrap().id(), t.id());
    }

    #[test]
    fn stop_is_synchronous_without_ended_event() {
        let (mut ctx, a, at, _) = setup();
        let clone = ctx.clone_track(at).unwrap();
        ctx.stop_track(at).unwrap();
        assert_eq!(ctx.track(at).unwrap().ready_state(), ReadyState::Ended);
        assert!(drain(&mut ctx).is_empty(), "source still used by the clone");
        ctx.stop_track(at).unwrap();
        ctx.stop_track(clone).unwrap();
        assert_eq!(drain(&mut ctx), [MediaEvent::SourceReleased { source: a }]);
        assert!(ctx.source(a).unwrap().stopped());
    }

    #[test]
    fn ended_track_settings_and_apply_constraints() {
        let (mut ctx, _, at, _) = setup();
        ctx.stop_track(at).unwrap();
        let s = ctx.track(at).unwrap().get_settings();
        assert_eq!(s.sample_rate, None);
        assert_eq!(s.device_id.as_deref(), Some("mic"));
        let impossible = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(64)),
        );
        assert!(ctx.apply_constraints(at, impossible).is_ok(), "ended: resolves, no change");
        assert_eq!(ctx.track(at).unwrap().get_constraints(), &MediaTrackConstraints::new());
    }

    #[test]
    fn source_end_fires_ended_for_live_tracks_only() {
        let (mut ctx, a, at, _) = setup();
        let clone = ctx.clone_track(at).unwrap();
        ctx.stop_track(clone).unwrap();
        drain(&mut ctx);
        ctx.end_source(a).unwrap();
        assert_eq!(drain(&mut ctx), [MediaEvent::Ended { track: at }]);
        assert_eq!(ctx.track(at).unwrap().ready_state(), ReadyState::Ended);
        ctx.end_source(a).unwrap();
        assert!(drain(&mut ctx).is_empty());
    }

    #[test]
    fn ua_ending_one_track() {
        let (mut ctx, a, at, _) = setup();
        ctx.end_track(at).unwrap();
        assert_eq!(
            drain(&mut ctx),
            [MediaEvent::Ended { track: at }, MediaEvent::SourceReleased { source: a }]
        );
        ctx.end_track(at).unwrap();
        assert!(drain(&mut ctx).is_empty());
    }

    #[test]
    fn mute_unmute_events() {
        let (mut ctx, a, at, _) = setup();
        let clone = ctx.clone_track(at).unwrap();
        ctx.set_source_muted(a, true).unwrap();
        assert_eq!(
            drain(&mut ctx),
            [MediaEvent::Mute { track: at }, MediaEvent::Mute { track: clone }]
        );
        ctx.set_source_muted(a, true).unwrap();
        assert!(drain(&mut ctx).is_empty(), "unchanged state: no event");
        assert!(!ctx.track(at).unwrap().is_flowing());
        ctx.stop_track(clone).unwrap();
        ctx.set_source_muted(a, false).unwrap();
        assert_eq!(drain(&mut ctx), [MediaEvent::Unmute { track: at }]);
        // A new track reflects the source's muted state.
        ctx.set_source_muted(a, true).unwrap();
        drain(&mut ctx);
        let t = ctx.create_track(a, MediaTrackConstraints::new()).unwrap();
        assert!(ctx.track(t).unwrap().muted());
    }

    #[test]
    fn enabled_controls_silence_and_black() {
        let (mut ctx, _, at, vt) = setup();
        let mut pcm = [0.5f32; 4];
        ctx.track(at).unwrap().apply_enabled_audio(&mut pcm);
        assert_eq!(pcm, [0.5; 4]);
        ctx.set_enabled(at, false).unwrap();
        assert!(!ctx.track(at).unwrap().enabled());
        ctx.track(at).unwrap().apply_enabled_audio(&mut pcm);
        assert_eq!(pcm, [0.0; 4]);
        let mut pcm16 = [7i16; 2];
        ctx.track(at).unwrap().apply_enabled_audio_i16(&mut pcm16);
        assert_eq!(pcm16, [0; 2]);
        let mut rgba = [9u8; 4];
        ctx.track(vt).unwrap().apply_enabled_video(PixelFormat::Rgba, 1, 1, &mut rgba);
        assert_eq!(rgba, [9; 4]);
        ctx.set_enabled(vt, false).unwrap();
        ctx.track(vt).unwrap().apply_enabled_video(PixelFormat::Rgba, 1, 1, &mut rgba);
        assert_eq!(rgba, [0, 0, 0, 255]);
        // Stored even on ended tracks.
        ctx.stop_track(at).unwrap();
        ctx.set_enabled(at, true).unwrap();
        assert!(ctx.track(at).unwrap().enabled());
        let mut pcm = [0.5f32; 1];
        ctx.track(at).unwrap().apply_enabled_audio(&mut pcm);
        assert_eq!(pcm, [0.0], "ended tracks are silent");
    }

    #[test]
    fn clone_track_copies_state_with_new_id() {
        let (mut ctx, a, at, _) = setup();
        let c = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(1)),
        );
        ctx.apply_constraints(at, c.clone()).unwrap();
        ctx.set_enabled(at, false).unwrap();
        ctx.set_content_hint(at, "music").unwrap();
        let k = ctx.clone_track(at).unwrap();
        let (o, n) = (ctx.track(at).unwrap(), ctx.track(k).unwrap());
        assert_ne!(o.id(), n.id());
        assert_eq!(n.source(), a);
        assert_eq!(n.get_constraints(), &c);
        assert_eq!(n.get_settings(), o.get_settings());
        assert_eq!(n.get_capabilities(), o.get_capabilities());
        assert!(!n.enabled());
        assert_eq!(n.content_hint(), "music");
        // Independent constraints afterwards.
        ctx.apply_constraints(k, MediaTrackConstraints::new()).unwrap();
        assert_eq!(ctx.track(at).unwrap().get_constraints(), &c);
        // A clone of an ended track is ended.
        ctx.stop_track(at).unwrap();
        let e = ctx.clone_track(at).unwrap();
        assert_eq!(ctx.track(e).unwrap().ready_state(), ReadyState::Ended);
    }

    #[test]
    fn apply_constraints_success_and_failure() {
        let (mut ctx, _, at, _) = setup();
        let mono = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(1)),
        );
        ctx.apply_constraints(at, mono.clone()).unwrap();
        assert_eq!(ctx.track(at).unwrap().get_settings().channel_count, Some(1));
        assert_eq!(drain(&mut ctx), [MediaEvent::SettingsChanged { track: at }]);
        ctx.apply_constraints(at, mono.clone()).unwrap();
        assert!(drain(&mut ctx).is_empty(), "same settings: no event");
        let bad = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().sample_rate(ConstrainULong::min(96_000)),
        );
        let e = ctx.apply_constraints(at, bad).unwrap_err();
        assert_eq!(e.dom_name(), DomErrorName::Overconstrained);
        assert_eq!(e.constraint(), Some("sampleRate"));
        assert_eq!(ctx.track(at).unwrap().get_constraints(), &mono, "unchanged on failure");
        assert_eq!(ctx.track(at).unwrap().get_settings().channel_count, Some(1));
        // Another device's id cannot be applied.
        let other = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().device_id(crate::ConstrainDomString::exact_str("other")),
        );
        assert_eq!(ctx.apply_constraints(at, other).unwrap_err().constraint(), Some("deviceId"));
        // Required video constraint on an audio track: step 2 precedes step 3.
        let width = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().width(ConstrainULong::exact(640)),
        );
        assert_eq!(ctx.apply_constraints(at, width).unwrap_err().constraint(), Some("width"));
        let ideal_width = MediaTrackConstraints::from(MediaTrackConstraintSet::new().width(640));
        assert!(ctx.apply_constraints(at, ideal_width).is_ok());
    }

    #[test]
    fn content_hint_setter_and_side_effects() {
        let mut ctx = MediaContext::new(SeededIds::new(3));
        let mut dev = mic();
        dev.noise_suppression = vec![true, false];
        dev.echo_cancellation = vec![BoolOrString::Bool(true), BoolOrString::Bool(false)];
        let src = ctx.create_source(dev);
        let t = ctx.create_track(src, MediaTrackConstraints::new()).unwrap();
        assert_eq!(ctx.track(t).unwrap().settings().noise_suppression, Some(true), "UA default");
        ctx.set_content_hint(t, "motion").unwrap();
        assert_eq!(ctx.track(t).unwrap().content_hint(), "", "video hint ignored on audio");
        ctx.set_content_hint(t, "music").unwrap();
        let s = ctx.track(t).unwrap().settings().clone();
        assert_eq!(s.noise_suppression, Some(false));
        assert_eq!(s.echo_cancellation, Some(BoolOrString::Bool(false)));
        assert_eq!(drain(&mut ctx), [MediaEvent::SettingsChanged { track: t }]);
        // Only where compatible with applied constraints.
        let ns =
            MediaTrackConstraints::from(MediaTrackConstraintSet::new().noise_suppression(true));
        ctx.apply_constraints(t, ns).unwrap();
        assert_eq!(ctx.track(t).unwrap().settings().noise_suppression, Some(true));
        ctx.set_content_hint(t, "").unwrap();
        assert_eq!(ctx.track(t).unwrap().content_hint(), "");
        assert_eq!(
            ctx.track(t).unwrap().settings().echo_cancellation,
            Some(BoolOrString::Bool(true))
        );
    }

    #[test]
    fn capability_change_fires_overconstrained() {
        let (mut ctx, a, at, _) = setup();
        let stereo = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(2)),
        );
        ctx.apply_constraints(at, stereo).unwrap();
        drain(&mut ctx);
        let mono_only =
            InputDeviceInfo::microphone("mic", "Mic", "g", vec![AudioMode::fixed(44_100, 1, 16)]);
        ctx.update_source(a, mono_only).unwrap();
        let ev = drain(&mut ctx);
        assert!(matches!(&ev[..], [MediaEvent::Overconstrained { track, error }]
            if *track == at && error.constraint == "channelCount"));
        assert_eq!(ctx.track(at).unwrap().get_settings().channel_count, Some(2), "kept");
        assert_eq!(ctx.track(at).unwrap().get_capabilities().channel_count.unwrap().max, 1);
        let stereo_44 =
            InputDeviceInfo::microphone("mic", "Mic", "g", vec![AudioMode::fixed(44_100, 2, 16)]);
        ctx.update_source(a, stereo_44).unwrap();
        assert_eq!(drain(&mut ctx), [MediaEvent::SettingsChanged { track: at }]);
        assert_eq!(ctx.track(at).unwrap().get_settings().sample_rate, Some(44_100));
    }

    #[test]
    fn stream_constructor_getters_and_active() {
        let (mut ctx, _, at, vt) = setup();
        let empty = ctx.create_stream(&[]).unwrap();
        assert!(!ctx.stream(empty).unwrap().active(), "empty stream is inactive");
        let s = ctx.create_stream(&[at, vt, at]).unwrap();
        let v = ctx.stream(s).unwrap();
        assert!(is_valid_id(v.id()));
        assert_ne!(v.id(), ctx.stream(empty).unwrap().id());
        assert_eq!(v.get_tracks(), [at, vt], "duplicates skipped");
        assert_eq!(v.get_audio_tracks(), [at]);
        assert_eq!(v.get_video_tracks(), [vt]);
        let id = alloc::string::String::from(ctx.track(vt).unwrap().id());
        assert_eq!(v.get_track_by_id(&id), Some(vt));
        assert_eq!(v.get_track_by_id("nope"), None);
        assert!(v.active() && v.audible());
        ctx.stop_track(at).unwrap();
        let v = ctx.stream(s).unwrap();
        assert!(v.active() && !v.audible());
        ctx.stop_track(vt).unwrap();
        assert!(!ctx.stream(s).unwrap().active(), "changes synchronously");
        // Ended tracks are accepted; constructing from a stream shares tracks.
        let from = ctx.create_stream_from(s).unwrap();
        assert_eq!(ctx.stream(from).unwrap().get_tracks(), [at, vt]);
        assert_ne!(ctx.stream(from).unwrap().id(), ctx.stream(s).unwrap().id());
        assert!(drain(&mut ctx).iter().all(|e| matches!(e, MediaEvent::SourceReleased { .. })));
    }

    #[test]
    fn script_add_remove_fire_no_events_ua_ones_do() {
        let (mut ctx, _, at, vt) = setup();
        let s = ctx.create_stream(&[at]).unwrap();
        ctx.add_track(s, vt).unwrap();
        ctx.add_track(s, vt).unwrap();
        ctx.remove_track(s, at).unwrap();
        ctx.remove_track(s, at).unwrap();
        assert_eq!(ctx.stream(s).unwrap().get_tracks(), [vt]);
        assert!(drain(&mut ctx).is_empty());
        ctx.ua_add_track(s, at).unwrap();
        ctx.ua_add_track(s, at).unwrap();
        ctx.ua_remove_track(s, vt).unwrap();
        ctx.ua_remove_track(s, vt).unwrap();
        assert_eq!(
            drain(&mut ctx),
            [
                MediaEvent::AddTrack { stream: s, track: at },
                MediaEvent::RemoveTrack { stream: s, track: vt }
            ]
        );
    }

    #[test]
    fn clone_stream_clones_tracks() {
        let (mut ctx, _, at, vt) = setup();
        let s = ctx.create_stream(&[at, vt]).unwrap();
        ctx.stop_track(vt).unwrap();
        let c = ctx.clone_stream(s).unwrap();
        let tracks = ctx.stream(c).unwrap().get_tracks();
        assert_eq!(tracks.len(), 2);
        assert!(!tracks.contains(&at) && !tracks.contains(&vt));
        let kinds: Vec<_> = tracks.iter().map(|t| ctx.track(*t).unwrap().kind()).collect();
        assert_eq!(kinds, [MediaKind::Audio, MediaKind::Video]);
        assert_eq!(ctx.track(tracks[1]).unwrap().ready_state(), ReadyState::Ended);
        ctx.stop_track(at).unwrap();
        let all_ended = ctx.clone_stream(s).unwrap();
        assert!(!ctx.stream(all_ended).unwrap().active());
    }

    #[test]
    fn unknown_handles_are_invalid_state() {
        let (mut ctx, _, at, _) = setup();
        let s = ctx.create_stream(&[at]).unwrap();
        ctx.release_track(at).unwrap();
        assert!(ctx.track(at).is_none());
        assert_eq!(ctx.stream(s).unwrap().get_tracks(), []);
        for r in [
            ctx.stop_track(at),
            ctx.set_enabled(at, true),
            ctx.apply_constraints(at, MediaTrackConstraints::new()),
            ctx.add_track(s, at),
            ctx.create_stream(&[at]).map(|_| ()),
            ctx.clone_track(at).map(|_| ()),
        ] {
            assert_eq!(r.unwrap_err().dom_name(), DomErrorName::InvalidState);
        }
        ctx.release_stream(s).unwrap();
        assert!(ctx.stream(s).is_none());
        assert!(ctx.release_stream(s).is_err());
        assert!(ctx.clone_stream(s).is_err());
    }

    #[test]
    fn device_change_events() {
        let mut ctx = MediaContext::new(SeededIds::new(0));
        let d = MediaDeviceInfo {
            device_id: "a".into(),
            kind: MediaDeviceKind::AudioInput,
            label: "A".into(),
            group_id: "g".into(),
        };
        assert!(!ctx.update_devices(vec![]));
        assert!(ctx.update_devices(vec![d.clone()]));
        assert!(!ctx.update_devices(vec![d.clone()]));
        assert_eq!(ctx.devices(), core::slice::from_ref(&d));
        let ev = drain(&mut ctx);
        assert!(matches!(&ev[..], [MediaEvent::DeviceChange(c)] if c.added == [d.clone()]));
    }
}
