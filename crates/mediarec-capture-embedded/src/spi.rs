//! A microphone behind an SPI analog-to-digital converter.

use embedded_hal::spi::SpiDevice;
use embedded_hal_async::delay::DelayNs;
use mediarec_core::{AudioParams, ErrorKind};

use crate::PcmInput;

/// How a converter's SPI frame turns into a sample.
pub trait AdcChip {
    /// Bytes clocked per conversion.
    const FRAME_BYTES: usize;
    /// The signed 16-bit sample in `frame` (`FRAME_BYTES` long), or `None` when the frame
    /// is malformed (a floating data line, a missed conversion).
    fn decode(frame: &[u8]) -> Option<i16>;
}

/// The Microchip MCP3201 (12-bit, single channel) and its pin-compatible relatives.
///
/// With chip select held low for 16 clocks the converter sends, most significant bit
/// first: two clocks of sampling (undefined bits), a null bit (0), bits B11…B0, then B1
/// again as it starts repeating the result least significant bit first:
///
/// ```text
/// byte 0:  ?   ?   0  B11 B10 B9 B8 B7
/// byte 1:  B6  B5  B4 B3  B2  B1 B0 B1
/// ```
///
/// The code is unipolar (0…4095 around a mid-scale bias of 2048 for an AC-coupled
/// microphone), so the sample is `(code − 2048) × 16`. A set null bit or a repeated B1
/// that disagrees with the first one marks a frame as malformed.
///
/// ```
/// use mediarec_capture_embedded::{AdcChip, Mcp3201};
/// // Code 0x800 (mid-scale): silence.
/// assert_eq!(Mcp3201::decode(&[0b0001_0000, 0b0000_0000]), Some(0));
/// // Code 0xFFF: the top of the range.
/// assert_eq!(Mcp3201::decode(&[0b0001_1111, 0b1111_1111]), Some(2047 * 16));
/// // A floating MISO line reads all ones: the null bit gives it away.
/// assert_eq!(Mcp3201::decode(&[0xFF, 0xFF]), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mcp3201;

impl AdcChip for Mcp3201 {
    const FRAME_BYTES: usize = 2;

    fn decode(frame: &[u8]) -> Option<i16> {
        let (&b0, &b1) = (frame.first()?, frame.get(1)?);
        let null_bit = b0 & 0b0010_0000;
        let b1_first = (b1 >> 2) & 1;
        let b1_again = b1 & 1;
        if null_bit != 0 || b1_first != b1_again {
            return None;
        }
        let code = (i32::from(b0 & 0x1F) << 7) | i32::from(b1 >> 1);
        i16::try_from((code - 2048) * 16).ok()
    }
}

/// Why an [`SpiAdc`] read failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpiAdcError<E> {
    /// The SPI transfer failed.
    Spi(E),
    /// The converter sent a malformed frame.
    BadFrame,
}

impl<E: embedded_hal::spi::Error> mediarec_core::Error for SpiAdcError<E> {
    fn kind(&self) -> ErrorKind {
        match self {
            SpiAdcError::Spi(e) => match e.kind() {
                embedded_hal::spi::ErrorKind::Overrun => ErrorKind::Full,
                _ => ErrorKind::Device,
            },
            SpiAdcError::BadFrame => ErrorKind::Device,
        }
    }
}

/// A mono [`PcmInput`] that converts one sample per SPI transaction and waits one sample
/// period (through `delay`) between conversions.
///
/// Pacing by a delay adds the transfer time to every period, so the real rate is a little
/// below the nominal one; that suits voice-band capture at a few kHz and bring-up. For
/// exact rates, trigger conversions from a hardware timer and wrap that driver in a
/// [`PcmInput`] of its own.
///
/// ```
/// use embedded_hal_mock::eh1::delay::NoopDelay;
/// use embedded_hal_mock::eh1::spi::{Mock, Transaction};
/// use mediarec_capture_embedded::{PcmInput, SpiAdc, block_on};
///
/// let spi = Mock::new(&[
///     Transaction::transaction_start(),
///     Transaction::read_vec(vec![0b0001_0000, 0b0000_0000]),
///     Transaction::transaction_end(),
/// ]);
/// let mut adc = SpiAdc::mcp3201(spi, NoopDelay::new(), 8_000);
/// let mut buf = [1i16; 1];
/// assert_eq!(block_on(adc.read(&mut buf)), Ok(1));
/// assert_eq!(buf, [0]);
/// adc.release().0.done();
/// ```
#[derive(Debug)]
pub struct SpiAdc<D, T, C = Mcp3201> {
    spi: D,
    delay: T,
    sample_rate: u32,
    period_ns: u32,
    chip: core::marker::PhantomData<C>,
}

impl<D: SpiDevice, T: DelayNs> SpiAdc<D, T, Mcp3201> {
    /// An MCP3201 on `spi`, sampled at `sample_rate` Hz (at least 1).
    pub fn mcp3201(spi: D, delay: T, sample_rate: u32) -> Self {
        Self::new(spi, delay, sample_rate)
    }
}

impl<D: SpiDevice, T: DelayNs, C: AdcChip> SpiAdc<D, T, C> {
    /// A converter of type `C` on `spi`, sampled at `sample_rate` Hz (at least 1).
    pub fn new(spi: D, delay: T, sample_rate: u32) -> Self {
        let sample_rate = sample_rate.max(1);
        SpiAdc {
            spi,
            delay,
            sample_rate,
            period_ns: 1_000_000_000 / sample_rate,
            chip: core::marker::PhantomData,
        }
    }

    /// Gives the bus device and the delay back.
    pub fn release(self) -> (D, T) {
        (self.spi, self.delay)
    }
}

/// The largest converter frame supported.
const MAX_FRAME: usize = 4;

impl<D: SpiDevice, T: DelayNs, C: AdcChip> PcmInput for SpiAdc<D, T, C> {
    type Error = SpiAdcError<D::Error>;

    fn format(&self) -> AudioParams {
        AudioParams { sample_rate: self.sample_rate, channels: 1 }
    }

    async fn read(&mut self, buf: &mut [i16]) -> Result<usize, Self::Error> {
        let mut frame = [0u8; MAX_FRAME];
        let frame = frame.get_mut(..C::FRAME_BYTES).ok_or(SpiAdcError::BadFrame)?;
        for (i, sample) in buf.iter_mut().enumerate() {
            if i > 0 {
                self.delay.delay_ns(self.period_ns).await;
            }
            self.spi.read(frame).map_err(SpiAdcError::Spi)?;
            *sample = C::decode(frame).ok_or(SpiAdcError::BadFrame)?;
        }
        Ok(buf.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block_on;
    use embedded_hal_mock::eh1::delay::{CheckedDelay, NoopDelay, Transaction as DelayTx};
    use embedded_hal_mock::eh1::spi::{Mock, Transaction};
    use proptest::prelude::*;
    use std::vec::Vec;

    /// The two bytes an MCP3201 sends for `code`, with chosen undefined leading bits.
    fn frame(code: u16, junk: u8) -> [u8; 2] {
        let code = code & 0x0FFF;
        let b0 = ((junk & 0b11) << 6) | ((code >> 7) as u8 & 0x1F);
        let b1 = (((code & 0x7F) as u8) << 1) | ((code >> 1) as u8 & 1);
        [b0, b1]
    }

    fn reads(frames: &[[u8; 2]]) -> Vec<Transaction<u8>> {
        frames
            .iter()
            .flat_map(|f| {
                [
                    Transaction::transaction_start(),
                    Transaction::read_vec(f.to_vec()),
                    Transaction::transaction_end(),
                ]
            })
            .collect()
    }

    #[test]
    fn samples_are_paced_one_period_apart() {
        let codes = [0x800u16, 0xFFF, 0x000, 0x801];
        let frames: Vec<[u8; 2]> = codes.iter().map(|&c| frame(c, 0b10)).collect();
        let spi = Mock::new(&reads(&frames));
        // 8 kHz: 125 µs between the conversions, none before the first.
        let delay = CheckedDelay::new(&[
            DelayTx::async_delay_ns(125_000),
            DelayTx::async_delay_ns(125_000),
            DelayTx::async_delay_ns(125_000),
        ]);
        let mut adc = SpiAdc::mcp3201(spi, delay, 8_000);
        assert_eq!(adc.format(), AudioParams { sample_rate: 8_000, channels: 1 });
        let mut buf = [0i16; 4];
        assert_eq!(block_on(adc.read(&mut buf)), Ok(4));
        assert_eq!(buf, [0, 2047 * 16, -2048 * 16, 16]);
        let (mut spi, mut delay) = adc.release();
        spi.done();
        delay.done();
    }

    #[test]
    fn a_malformed_frame_fails_the_read() {
        use mediarec_core::Error as _;
        let spi = Mock::new(&reads(&[frame(0x123, 0), [0xFF, 0xFF]]));
        let mut adc = SpiAdc::mcp3201(spi, NoopDelay::new(), 16_000);
        let mut buf = [0i16; 2];
        let err = block_on(adc.read(&mut buf)).unwrap_err();
        assert_eq!((err, err.kind()), (SpiAdcError::BadFrame, ErrorKind::Device));
        adc.release().0.done();
    }

    /// A bus that always overruns.
    struct Overrun;
    impl embedded_hal::spi::ErrorType for Overrun {
        type Error = embedded_hal::spi::ErrorKind;
    }
    impl SpiDevice for Overrun {
        fn transaction(
            &mut self,
            _: &mut [embedded_hal::spi::Operation<'_, u8>],
        ) -> Result<(), Self::Error> {
            Err(embedded_hal::spi::ErrorKind::Overrun)
        }
    }

    #[test]
    fn spi_errors_are_passed_on() {
        use embedded_hal::spi::ErrorKind as SpiKind;
        use mediarec_core::Error as _;
        let mut adc = SpiAdc::mcp3201(Overrun, NoopDelay::new(), 16_000);
        let mut buf = [0i16; 1];
        let err = block_on(adc.read(&mut buf)).unwrap_err();
        assert_eq!(err, SpiAdcError::Spi(SpiKind::Overrun));
        assert_eq!(err.kind(), ErrorKind::Full);
        let err = SpiAdcError::Spi(SpiKind::ModeFault);
        assert_eq!(err.kind(), ErrorKind::Device);
    }

    #[test]
    fn a_zero_rate_is_raised_to_one() {
        let adc = SpiAdc::mcp3201(Mock::new(&[]), NoopDelay::new(), 0);
        assert_eq!(adc.format().sample_rate, 1);
        adc.release().0.done();
    }

    proptest! {
        #[test]
        fn every_code_round_trips(code in 0u16..4096, junk in 0u8..4) {
            let expected = (i32::from(code) - 2048) * 16;
            prop_assert_eq!(Mcp3201::decode(&frame(code, junk)).map(i32::from), Some(expected));
        }

        #[test]
        fn decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4)) {
            let _ = Mcp3201::decode(&bytes);
        }
    }
}
