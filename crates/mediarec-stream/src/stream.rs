//! `MediaStream` (spec C.1): an id and a set of tracks.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use mediarec_core::MediaKind;

use crate::context::TrackHandle;
use crate::track::{MediaStreamTrack, ReadyState};

/// The state of a `MediaStream`: its id and its track set in insertion order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaStream {
    pub(crate) id: String,
    pub(crate) tracks: Vec<TrackHandle>,
}

impl MediaStream {
    /// `id`: generated once, never changes.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The member tracks in insertion order (the web leaves the order to the UA).
    pub fn track_handles(&self) -> &[TrackHandle] {
        &self.tracks
    }

    /// True when `t` is a member.
    pub fn contains(&self, t: TrackHandle) -> bool {
        self.tracks.contains(&t)
    }

    pub(crate) fn insert(&mut self, t: TrackHandle) -> bool {
        if self.contains(t) {
            return false;
        }
        self.tracks.push(t);
        true
    }

    pub(crate) fn remove(&mut self, t: TrackHandle) -> bool {
        let before = self.tracks.len();
        self.tracks.retain(|x| *x != t);
        before != self.tracks.len()
    }
}

/// A read-only view of a stream with access to its tracks, for the attributes that need
/// both (`active`, the getters).
#[derive(Debug, Clone, Copy)]
pub struct StreamView<'a> {
    pub(crate) stream: &'a MediaStream,
    pub(crate) tracks: &'a BTreeMap<TrackHandle, MediaStreamTrack>,
}

impl<'a> StreamView<'a> {
    /// `id`.
    pub fn id(&self) -> &'a str {
        &self.stream.id
    }

    /// The underlying stream state.
    pub fn stream(&self) -> &'a MediaStream {
        self.stream
    }

    fn members(&self) -> impl Iterator<Item = (TrackHandle, &'a MediaStreamTrack)> + '_ {
        let tracks = self.tracks;
        self.stream.tracks.iter().filter_map(move |h| tracks.get(h).map(|t| (*h, t)))
    }

    /// `active`: at least one member track is not ended. An empty stream is inactive.
    pub fn active(&self) -> bool {
        self.members().any(|(_, t)| t.ready_state() == ReadyState::Live)
    }

    /// `audible`-like helper: at least one member audio track is not ended.
    pub fn audible(&self) -> bool {
        self.members()
            .any(|(_, t)| t.kind() == MediaKind::Audio && t.ready_state() == ReadyState::Live)
    }

    /// `getTracks()`: a new snapshot each call.
    pub fn get_tracks(&self) -> Vec<TrackHandle> {
        self.members().map(|(h, _)| h).collect()
    }

    /// `getAudioTracks()`.
    pub fn get_audio_tracks(&self) -> Vec<TrackHandle> {
        self.of_kind(MediaKind::Audio)
    }

    /// `getVideoTracks()`.
    pub fn get_video_tracks(&self) -> Vec<TrackHandle> {
        self.of_kind(MediaKind::Video)
    }

    fn of_kind(&self, kind: MediaKind) -> Vec<TrackHandle> {
        self.members().filter(|(_, t)| t.kind() == kind).map(|(h, _)| h).collect()
    }

    /// `getTrackById(id)`: the member with that id, or `None`.
    pub fn get_track_by_id(&self, id: &str) -> Option<TrackHandle> {
        self.members().find(|(_, t)| t.id() == id).map(|(h, _)| h)
    }
}
