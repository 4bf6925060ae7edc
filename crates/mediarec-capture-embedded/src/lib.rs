//! # mediarec-capture-embedded
//!
//! Audio inputs for firmware, with no `std` and no allocator.
//!
//! embedded-hal 1.0 has no I2S, PDM or ADC trait: microphones on microcontrollers are read
//! through HAL-specific DMA drivers. So mediarec defines one small async trait,
//! [`PcmInput`] — "fill this buffer with interleaved `i16` samples" — that those drivers
//! implement in a few lines, plus adapters for the cases the standard traits do cover:
//!
//! - [`ByteInput`]: any [`embedded_io_async::Read`] delivering little-endian 16-bit
//!   samples (a UART or USB link, an I2S peripheral exposed as a byte stream, a file).
//! - [`SpiAdc`]: a 12-bit SPI converter sampled through [`embedded_hal::spi::SpiDevice`]
//!   (the MCP3201 frame layout; see [`Mcp3201`]), paced by an
//!   [`embedded_hal_async::delay::DelayNs`].
//! - [`FrameReader`]: turns reads into [`AudioFrame`](mediarec_core::AudioFrame)s with sample-counted timestamps, ready
//!   for `mediarec-recorder`'s `handle_audio`.
//! - [`block_on`]: drives a future to completion by polling, for firmware without an
//!   executor (and for tests).
//!
//! ```
//! use mediarec_capture_embedded::{ByteInput, FrameReader, PcmInput, block_on};
//! use mediarec_core::AudioParams;
//!
//! // Four mono samples, little endian, from any embedded-io-async reader.
//! let bytes: &[u8] = &[0x00, 0x40, 0x00, 0xC0, 0xFF, 0x7F, 0x00, 0x80];
//! let input = ByteInput::new(bytes, AudioParams { sample_rate: 16_000, channels: 1 });
//! let mut frames = FrameReader::new(input);
//! let mut buf = [0i16; 2];
//! let frame = block_on(frames.next(&mut buf)).unwrap().unwrap();
//! assert_eq!(frame.frames(), 2);
//! let next = block_on(frames.next(&mut buf)).unwrap().unwrap();
//! assert_eq!(next.timestamp.as_micros(), 125); // 2 samples at 16 kHz
//! assert_eq!(buf, [i16::MAX, i16::MIN]);
//! assert!(block_on(frames.next(&mut buf)).unwrap().is_none()); // end of input
//! ```
//!
//! A HAL's DMA microphone driver becomes a [`PcmInput`] in a few lines. With embassy-nrf's
//! PDM driver (`Pdm::sample(&mut [i16]).await`; other HALs differ only in that call):
//!
//! ```
//! # use mediarec_capture_embedded::PcmInput;
//! # use mediarec_core::{AudioParams, ErrorKind};
//! # struct Pdm;
//! # impl Pdm { async fn sample(&mut self, buf: &mut [i16]) -> Result<(), ()> { buf.fill(0); Ok(()) } }
//! /// The PDM microphone failed.
//! #[derive(Debug)]
//! struct MicError;
//! impl mediarec_core::Error for MicError {
//!     fn kind(&self) -> ErrorKind { ErrorKind::Device }
//! }
//!
//! struct NrfMic(Pdm); // embassy_nrf::pdm::Pdm<'static> in the firmware
//! impl PcmInput for NrfMic {
//!     type Error = MicError;
//!     fn format(&self) -> AudioParams { AudioParams { sample_rate: 16_000, channels: 1 } }
//!     async fn read(&mut self, buf: &mut [i16]) -> Result<usize, MicError> {
//!         self.0.sample(buf).await.map_err(|_| MicError)?;
//!         Ok(buf.len())
//!     }
//! }
//! # let mut buf = [1i16; 4];
//! # assert_eq!(mediarec_capture_embedded::block_on(NrfMic(Pdm).read(&mut buf)).unwrap(), 4);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]
// Firmware executors are single-threaded: the futures of these traits need not be `Send`.
#![allow(async_fn_in_trait)]

#[cfg(test)]
extern crate std;

mod bytes;
mod exec;
mod frames;
mod spi;

pub use bytes::{ByteInput, ByteInputError};
pub use exec::block_on;
pub use frames::FrameReader;
pub use spi::{AdcChip, Mcp3201, SpiAdc, SpiAdcError};

use mediarec_core::AudioParams;

/// A source of interleaved 16-bit PCM: a microphone, an ADC, a stream of bytes.
///
/// ```
/// use mediarec_capture_embedded::{PcmInput, block_on};
/// use mediarec_core::AudioParams;
///
/// /// A square wave, as a stand-in microphone.
/// struct Square(u32);
/// impl PcmInput for Square {
///     type Error = core::convert::Infallible;
///     fn format(&self) -> AudioParams { AudioParams { sample_rate: 8_000, channels: 1 } }
///     async fn read(&mut self, buf: &mut [i16]) -> Result<usize, Self::Error> {
///         for s in buf.iter_mut() {
///             *s = if self.0 % 8 < 4 { 8_000 } else { -8_000 };
///             self.0 += 1;
///         }
///         Ok(buf.len())
///     }
/// }
/// let mut buf = [0i16; 8];
/// assert_eq!(block_on(Square(0).read(&mut buf)), Ok(8));
/// assert_eq!(buf[3..5], [8_000, -8_000]);
/// ```
pub trait PcmInput {
    /// Why a read failed; [`mediarec_core::Error::kind`] tells generic code what it means.
    type Error: mediarec_core::Error;

    /// Rate and channel count of the samples [`PcmInput::read`] delivers.
    fn format(&self) -> AudioParams;

    /// Fills the front of `buf` with interleaved samples and returns how many: a multiple
    /// of the channel count, at most `buf.len()` rounded down to whole frames. Waits until
    /// at least one frame is there; `Ok(0)` means the input has ended (or `buf` holds less
    /// than a frame).
    async fn read(&mut self, buf: &mut [i16]) -> Result<usize, Self::Error>;
}

impl<T: PcmInput + ?Sized> PcmInput for &mut T {
    type Error = T::Error;
    fn format(&self) -> AudioParams {
        T::format(self)
    }
    async fn read(&mut self, buf: &mut [i16]) -> Result<usize, Self::Error> {
        T::read(self, buf).await
    }
}

/// Samples in the whole frames of `channels` that fit in `len` samples.
pub(crate) fn whole_frames(len: usize, channels: u16) -> usize {
    match usize::from(channels) {
        0 => 0,
        c => len - len % c,
    }
}
