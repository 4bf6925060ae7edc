//! # mediarec-stream
//!
//! The Media Capture and Streams model — `MediaStream`, `MediaStreamTrack`, constraints,
//! the constrainable pattern's SelectSettings with fitness distance, and getUserMedia's
//! device selection — as plain `no_std` + `alloc` Rust. No device, clock or RNG is
//! touched: platform backends describe their devices as data, and a driver reacts to the
//! events this crate queues.
//!
//! ## Module map
//!
//! | area | items | spec |
//! |---|---|---|
//! | constraint types | [`ConstrainULong`], [`ConstrainDouble`], [`ConstrainBoolean`], [`ConstrainDomString`], [`ConstrainBooleanOrDomString`], [`MediaTrackConstraintSet`], [`MediaTrackConstraints`], [`MediaStreamConstraints`] | C.5 |
//! | properties | [`Property`] (name, kind, type, allowed as required), [`get_supported_constraints`] | C.8 |
//! | settings and capabilities | [`MediaTrackSettings`], [`MediaTrackCapabilities`] | C.7, C.8 |
//! | fitness distance, SelectSettings | [`fitness_distance`], [`select_settings`] (explicit candidate list), [`select_settings_for_device`] (a device's modes; how ranges become candidates is described there), [`ua_defaults`] | C.7 |
//! | devices | [`InputDeviceInfo`] ([`AudioMode`], [`VideoMode`]), [`MediaDeviceInfo`], [`enumerate_devices`], [`diff_devices`] | C.10, C.11 |
//! | getUserMedia | [`select_devices`], [`select_device`], [`DeviceCatalogue`], [`MediaContext::get_user_media`] | C.12 |
//! | streams and tracks | [`MediaContext`] (all state changes, [`MediaEvent`] queue), [`MediaStreamTrack`], [`StreamView`], [`ContentHint`], [`fill_black`] | C.1–C.4 |
//! | errors | [`CaptureError`] ([`dom_name`](CaptureError::dom_name)), [`OverconstrainedError`] | C.9, C.12 |
//! | ids | [`IdGenerator`], [`SeededIds`] | C.1 |
//! | JSON (feature `serde`) | module `json`: web-shaped `MediaStreamConstraints` in, settings/capabilities/devices out | WebIDL |
//!
//! ## getUserMedia in a few lines
//!
//! ```
//! use mediarec_core::MediaKind;
//! use mediarec_stream::*;
//!
//! // What a backend reports: a microphone that does 44.1 or 48 kHz, mono or stereo.
//! let devices = vec![InputDeviceInfo::microphone("mic-1", "Built-in", "grp-1", vec![
//!     AudioMode { channel_count: ValueRange::new(1, 2, 2), ..AudioMode::fixed(48_000, 2, 16) },
//!     AudioMode { channel_count: ValueRange::new(1, 2, 2), ..AudioMode::fixed(44_100, 2, 16) },
//! ])];
//!
//! // {audio: {channelCount: {exact: 1}, sampleRate: {ideal: 16000}}}
//! let constraints = MediaStreamConstraints::new().with_audio(MediaTrackConstraints::from(
//!     MediaTrackConstraintSet::new()
//!         .channel_count(ConstrainULong::exact(1))
//!         .sample_rate(ConstrainULong::ideal(16_000)),
//! ));
//! let selection = select_devices(&constraints, &devices)?;
//! let audio = selection.audio.unwrap();
//! assert_eq!(audio.settings.channel_count, Some(1));
//! assert_eq!(audio.settings.sample_rate, Some(44_100)); // closest offered to 16 kHz
//!
//! // The track and stream model: state changes go through the context, events come out.
//! let mut ctx = MediaContext::new(SeededIds::new(7));
//! let source = ctx.create_source(devices[0].clone());
//! let track = ctx.create_track(source, audio.constraints)?;
//! let stream = ctx.create_stream(&[track])?;
//! assert_eq!(ctx.stream(stream).unwrap().get_audio_tracks(), [track]);
//! ctx.end_source(source)?; // the microphone was unplugged
//! assert_eq!(ctx.poll_event(), Some(MediaEvent::Ended { track }));
//! assert!(!ctx.stream(stream).unwrap().active());
//!
//! // Impossible requirements name the constraint.
//! let greedy = MediaTrackConstraints::from(
//!     MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(64)));
//! let err = select_device(MediaKind::Audio, &greedy, &devices).unwrap_err();
//! assert_eq!(err.constraint(), Some("channelCount"));
//! assert_eq!(err.dom_name().as_str(), "OverconstrainedError");
//! # Ok::<(), CaptureError>(())
//! ```
//!
//! With the `serde` feature the same request comes straight from the web's JSON:
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use mediarec_stream::*;
//! let json = r#"{"audio":{"channelCount":{"exact":1},"sampleRate":{"ideal":16000}}}"#;
//! let c = MediaStreamConstraints::from_deserializer(
//!     &mut serde_json::Deserializer::from_str(json)).unwrap();
//! let mic = InputDeviceInfo::microphone("m", "Mic", "g", vec![AudioMode::fixed(16_000, 1, 16)]);
//! let s = select_devices(&c, &[mic]).unwrap().audio.unwrap().settings;
//! assert_eq!(s.sample_rate, Some(16_000));
//! let e = MediaStreamConstraints::from_deserializer(
//!     &mut serde_json::Deserializer::from_str("{}")).map(|c| select_devices(&c, &[]));
//! assert_eq!(e.unwrap().unwrap_err().dom_name().as_str(), "TypeError");
//! # }
//! ```
//!
//! ## Decisions where the spec leaves room
//!
//! - Script `addTrack`/`removeTrack` never fire events; the UA-side variants do (WPT,
//!   spec digest D.10). `stop()` never fires `ended`.
//! - `clone()` copies `enabled` and `contentHint` as engines do (D.9).
//! - `OverconstrainedError.constraint` always names the constraint (D.11, WPT).
//! - An ideal never fails, however long (D.13).
//! - Ties between equally fit settings go to [`ua_defaults`], then to the device's
//!   preferred values, then to the system default device.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

extern crate alloc;

mod constraints;
mod context;
mod device;
mod error;
mod fitness;
mod gum;
mod id;
#[cfg(feature = "serde")]
pub mod json;
mod property;
mod settings;
mod space;
mod stream;
mod track;

pub use constraints::{
    AnyConstraint, BareValues, ConstrainBoolean, ConstrainBooleanOrDomString, ConstrainDomString,
    ConstrainDouble, ConstrainDoubleRange, ConstrainNumber, ConstrainULong, ConstrainULongRange,
    ConstrainValue, ExactIdeal, MediaStreamConstraints, MediaTrackConstraintSet,
    MediaTrackConstraints, NumericRange,
};
pub use context::{MediaContext, MediaEvent, Source, SourceHandle, StreamHandle, TrackHandle};
pub use device::{
    AudioMode, DeviceChange, Exposure, InputDeviceInfo, MediaDeviceInfo, MediaDeviceKind,
    ValueRange, VideoMode, diff_devices, enumerate_devices,
};
pub use error::{CaptureError, OverconstrainedError};
pub use fitness::{
    DOUBLE_TOLERANCE, fitness_distance, member_distance, select_settings,
    select_settings_with_defaults,
};
pub use gum::{
    DeviceCatalogue, DeviceChoice, OpenError, OpenedTrack, PermissionState, Selection, UserMedia,
    select_device, select_devices,
};
pub use id::{IdGenerator, SeededIds, format_uuid_v4, is_valid_id};
pub use property::{
    AppliesTo, MediaTrackSupportedConstraints, Property, ValueType, get_supported_constraints,
};
pub use settings::{
    BoolOrString, DoubleRange, MediaTrackCapabilities, MediaTrackSettings, SettingValue, ULongRange,
};
pub use space::{MAX_VALUES_PER_AXIS, select_settings_for_device, ua_defaults};
pub use stream::{MediaStream, StreamView};
pub use track::{ContentHint, MediaStreamTrack, ReadyState, fill_black};
