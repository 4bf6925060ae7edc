//! Little-endian 16-bit samples from any async byte reader.

use embedded_io_async::{ErrorKind as IoErrorKind, Read};
use mediarec_core::{AudioParams, ErrorKind};

use crate::PcmInput;

/// Bytes read per call into the reader; small, because it lives on the stack.
const SCRATCH: usize = 64;
/// Largest frame this adapter assembles (8 channels of 16 bits).
const MAX_FRAME_BYTES: usize = 16;

/// Why a [`ByteInput`] read failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteInputError<E> {
    /// The reader failed.
    Io(E),
    /// The stream ended inside a frame (an odd byte count, or a partial multichannel frame).
    TruncatedFrame,
    /// The format has no channels or more than 8.
    BadFormat,
}

impl<E: embedded_io_async::Error> mediarec_core::Error for ByteInputError<E> {
    fn kind(&self) -> ErrorKind {
        match self {
            ByteInputError::Io(e) => match e.kind() {
                IoErrorKind::Unsupported | IoErrorKind::InvalidInput => ErrorKind::InvalidInput,
                _ => ErrorKind::Io,
            },
            ByteInputError::TruncatedFrame => ErrorKind::InvalidInput,
            ByteInputError::BadFormat => ErrorKind::Unsupported,
        }
    }
}

/// A [`PcmInput`] over an [`embedded_io_async::Read`] that delivers interleaved signed
/// 16-bit little-endian samples (the byte form of `audio/L16`-style raw PCM, WAV data, or
/// most I2S peripherals' 16-bit slots).
///
/// Reads may split samples and frames anywhere; the adapter keeps the partial frame for
/// the next read. End of stream (`read` returning 0 bytes) ends the input; ending inside a
/// frame is [`ByteInputError::TruncatedFrame`].
///
/// ```
/// use mediarec_capture_embedded::{ByteInput, PcmInput, block_on};
/// use mediarec_core::AudioParams;
/// let bytes: &[u8] = &[0x34, 0x12, 0xCC, 0xED];
/// let mut input = ByteInput::new(bytes, AudioParams { sample_rate: 8_000, channels: 1 });
/// let mut buf = [0i16; 4];
/// assert_eq!(block_on(input.read(&mut buf)), Ok(2));
/// assert_eq!(buf[..2], [0x1234, -0x1234]);
/// ```
#[derive(Debug)]
pub struct ByteInput<R> {
    reader: R,
    format: AudioParams,
    partial: [u8; MAX_FRAME_BYTES],
    partial_len: usize,
}

impl<R: Read> ByteInput<R> {
    /// Reads samples of `format` from `reader`.
    pub fn new(reader: R, format: AudioParams) -> Self {
        ByteInput { reader, format, partial: [0; MAX_FRAME_BYTES], partial_len: 0 }
    }

    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.reader
    }

    fn frame_bytes(&self) -> Option<usize> {
        let bytes = usize::from(self.format.channels) * 2;
        (1..=MAX_FRAME_BYTES).contains(&bytes).then_some(bytes)
    }
}

impl<R: Read> PcmInput for ByteInput<R> {
    type Error = ByteInputError<R::Error>;

    fn format(&self) -> AudioParams {
        self.format
    }

    async fn read(&mut self, buf: &mut [i16]) -> Result<usize, Self::Error> {
        let frame_bytes = self.frame_bytes().ok_or(ByteInputError::BadFormat)?;
        let channels = frame_bytes / 2;
        let room = crate::whole_frames(buf.len(), self.format.channels);
        let mut out = 0usize;
        let mut scratch = [0u8; SCRATCH];
        while out < room {
            let want = ((room - out) * 2).saturating_sub(self.partial_len).min(SCRATCH);
            let got = self
                .reader
                .read(scratch.get_mut(..want).unwrap_or(&mut []))
                .await
                .map_err(ByteInputError::Io)?;
            if got == 0 {
                if out == 0 && self.partial_len > 0 {
                    self.partial_len = 0;
                    return Err(ByteInputError::TruncatedFrame);
                }
                break;
            }
            for &b in scratch.get(..got).unwrap_or(&[]) {
                if let Some(slot) = self.partial.get_mut(self.partial_len) {
                    *slot = b;
                    self.partial_len += 1;
                }
                if self.partial_len == frame_bytes {
                    let frame = self.partial.chunks_exact(2).take(channels);
                    for (dst, pair) in buf.iter_mut().skip(out).zip(frame) {
                        *dst = i16::from_le_bytes([pair[0], pair[1]]);
                    }
                    out += channels;
                    self.partial_len = 0;
                }
            }
            // Return what is there rather than wait for a full buffer.
            if out > 0 {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block_on;
    use proptest::prelude::*;
    use std::vec::Vec;

    /// Hands out its bytes in chunks of the given sizes (cycled), then 0 forever.
    struct Chunked<'a> {
        data: &'a [u8],
        sizes: &'a [usize],
        i: usize,
    }

    impl embedded_io_async::ErrorType for Chunked<'_> {
        type Error = embedded_io_async::ErrorKind;
    }

    impl Read for Chunked<'_> {
        async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
            let size =
                self.sizes.get(self.i % self.sizes.len().max(1)).copied().unwrap_or(1).max(1);
            self.i += 1;
            let n = size.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    struct Broken;
    impl embedded_io_async::ErrorType for Broken {
        type Error = embedded_io_async::ErrorKind;
    }
    impl Read for Broken {
        async fn read(&mut self, _: &mut [u8]) -> Result<usize, Self::Error> {
            Err(embedded_io_async::ErrorKind::BrokenPipe)
        }
    }

    fn params(channels: u16) -> AudioParams {
        AudioParams { sample_rate: 48_000, channels }
    }

    fn read_all<R: Read>(
        input: &mut ByteInput<R>,
        buf_len: usize,
    ) -> Result<Vec<i16>, ByteInputError<R::Error>> {
        let mut all = Vec::new();
        let mut buf = std::vec![0i16; buf_len];
        loop {
            let n = block_on(input.read(&mut buf))?;
            if n == 0 {
                return Ok(all);
            }
            assert_eq!(n % usize::from(input.format.channels), 0);
            all.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn odd_splits_keep_samples_and_frames_whole() {
        let samples: Vec<i16> = (0..30).map(|i| (i * 1111 - 16_000) as i16).collect();
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let mut input =
            ByteInput::new(Chunked { data: &bytes, sizes: &[1, 3, 5, 2], i: 0 }, params(3));
        assert_eq!(read_all(&mut input, 7).unwrap(), samples);
    }

    #[test]
    fn ending_inside_a_frame_is_an_error() {
        let bytes = [1u8, 2, 3];
        let mut input = ByteInput::new(&bytes[..], params(1));
        let mut buf = [0i16; 4];
        assert_eq!(block_on(input.read(&mut buf)), Ok(1));
        assert_eq!(block_on(input.read(&mut buf)), Err(ByteInputError::TruncatedFrame));
        assert_eq!(block_on(input.read(&mut buf)), Ok(0));
    }

    #[test]
    fn failures_and_bad_formats_are_typed() {
        use mediarec_core::Error as _;
        let mut input = ByteInput::new(Broken, params(1));
        let mut buf = [0i16; 4];
        let err = block_on(input.read(&mut buf)).unwrap_err();
        assert_eq!(err, ByteInputError::Io(embedded_io_async::ErrorKind::BrokenPipe));
        assert_eq!(err.kind(), ErrorKind::Io);
        for channels in [0, 9] {
            let mut input = ByteInput::new(&[0u8; 4][..], params(channels));
            let err = block_on(input.read(&mut buf)).unwrap_err();
            assert_eq!((err, err.kind()), (ByteInputError::BadFormat, ErrorKind::Unsupported));
        }
        // A buffer smaller than a frame reads nothing and consumes nothing.
        let mut input = ByteInput::new(&[0u8; 4][..], params(2));
        assert_eq!(block_on(input.read(&mut buf[..1])), Ok(0));
        assert_eq!(block_on(input.read(&mut buf)), Ok(2));
    }

    proptest! {
        #[test]
        fn any_split_any_buffer_gives_the_samples_back(
            samples in proptest::collection::vec(any::<i16>(), 0..200),
            sizes in proptest::collection::vec(1usize..40, 1..8),
            channels in 1u16..=8,
            buf_len in 1usize..50,
        ) {
            let whole = samples.len() - samples.len() % usize::from(channels);
            let samples = &samples[..whole];
            let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
            let mut input = ByteInput::new(Chunked { data: &bytes, sizes: &sizes, i: 0 }, params(channels));
            if buf_len < usize::from(channels) {
                let mut buf = std::vec![0i16; buf_len];
                prop_assert_eq!(block_on(input.read(&mut buf)), Ok(0));
            } else {
                prop_assert_eq!(read_all(&mut input, buf_len).unwrap(), samples);
            }
        }
    }
}
