//! # mediarec-codec-vpx
//!
//! VP8 and VP9 encoding through libvpx.
#![cfg_attr(test, allow(clippy::unwrap_used))]
