//! placeholder
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]
extern crate alloc;
mod constraints;
mod device;
mod error;
mod fitness;
mod property;
mod settings;
mod space;
pub use constraints::*;
pub use device::*;
pub use error::*;
pub use fitness::*;
pub use property::*;
pub use settings::*;
pub use space::{MAX_VALUES_PER_AXIS, select_settings_for_device, ua_defaults};
