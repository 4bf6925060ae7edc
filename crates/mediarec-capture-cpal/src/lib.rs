//! # mediarec-capture-cpal
//!
//! Microphones for mediarec through [cpal]: the `enumerateDevices()` / `getUserMedia()` /
//! `MediaStreamTrack` part of the web platform, for native programs.
//!
//! - [`devices`] lists input devices as `MediaDeviceInfo`s ([`DeviceInfo`]): a `deviceId`
//!   and `groupId` that stay the same across runs (hashes of the host and the backend's
//!   device name, never a position in the list), a label, and
//!   [`capabilities`](DeviceInfo::capabilities) taken from the supported configurations.
//! - [`CpalInput::open`] picks the configuration nearest to the wanted [`Constraints`]
//!   (`sampleRate`, `channelCount`, `sampleSize`, `latency`) by the spec's fitness
//!   distance — the device's default configuration is only a tie-breaker for what the
//!   caller left open — and starts the stream.
//! - The audio callback converts samples to `f32` and pushes them into a lock-free
//!   single-producer single-consumer ring; it never allocates, locks or waits. When the
//!   reader falls behind, frames are dropped and counted ([`CaptureStats`]), as are the
//!   xruns the backend reports and jumps of the capture clock.
//! - [`CpalInput::read`] returns frames with the capture time of the first, relative to the
//!   stream's first captured frame: a continuous media timeline that advances by the
//!   sample count and is re-anchored on the callback's capture instant after any loss.
//! - A lost device (the backend's error callback, or no audio for a while) makes `read`
//!   fail once everything captured before has been read, so a recorder can end the track
//!   and finish its file.
//!
//! ```no_run
//! use mediarec_capture_cpal::{Constraints, CpalInput, devices};
//!
//! for d in devices()? {
//!     println!("{} {} {}", d.device_id, d.label, if d.is_default { "(default)" } else { "" });
//! }
//! let wanted = Constraints { sample_rate: Some(48_000), channel_count: Some(1), ..Default::default() };
//! let mut mic = CpalInput::open(None, &wanted)?;
//! let mut buf = vec![0f32; 4800 * usize::from(mic.params().channels)];
//! let mut got = 0;
//! while got < 48_000 {
//!     match mic.read(&mut buf)? {
//!         Some(chunk) => got += chunk.frames,
//!         None => std::thread::sleep(std::time::Duration::from_millis(10)),
//!     }
//! }
//! println!("{:?}", mic.stats());
//! # Ok::<(), mediarec_capture_cpal::CaptureError>(())
//! ```
//!
//! The selection logic itself needs no device:
//!
//! ```
//! use cpal::SampleFormat;
//! use mediarec_capture_cpal::{ConfigRange, Constraints, select};
//! let offered = [ConfigRange { channels: 2, min_rate: 44_100, max_rate: 48_000,
//!                              format: SampleFormat::I16, buffer_frames: Some((64, 4096)) }];
//! let wanted = Constraints { sample_rate: Some(96_000), ..Default::default() };
//! let chosen = select(&offered, &wanted, None).unwrap();
//! assert_eq!((chosen.sample_rate, chosen.channels), (48_000, 2));
//! ```
//!
//! On Linux cpal's default host is ALSA (build dependency: `libasound2-dev`); a running
//! PulseAudio or PipeWire server is reached through ALSA's `default`/`pulse` devices.
//!
//! [cpal]: https://docs.rs/cpal
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod device;
mod error;
mod input;
mod negotiate;
mod ring;

pub use cpal::SampleFormat;
pub use device::{Capabilities, DeviceInfo, device_id, devices, group_id};
pub use error::CaptureError;
pub use input::{Captured, CpalInput, OpenOptions, Settings};
pub use negotiate::{ConfigRange, Constraints, FALLBACK_RATE, Selected, select};
pub use ring::CaptureStats;
