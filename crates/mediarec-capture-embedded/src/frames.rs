//! From reads to timestamped frames.

use mediarec_core::{AudioFrame, AudioParams, Duration, Samples};

use crate::PcmInput;

/// Reads a [`PcmInput`] into [`AudioFrame`]s whose timestamps count the samples delivered
/// so far: exact, gapless and free of any clock, which is what a sample-clocked converter
/// gives. (A driver that knows it lost samples should make its own timestamps.)
///
/// ```
/// use mediarec_capture_embedded::{ByteInput, FrameReader, block_on};
/// use mediarec_core::{AudioParams, Duration};
/// let bytes = [0u8; 8 * 2 * 2]; // 8 stereo frames
/// let mut r = FrameReader::new(ByteInput::new(&bytes[..], AudioParams { sample_rate: 8_000, channels: 2 }));
/// let mut buf = [0i16; 10]; // room for 5 frames
/// let f = block_on(r.next(&mut buf)).unwrap().unwrap();
/// assert_eq!((f.frames(), f.timestamp), (5, Duration::ZERO));
/// let f = block_on(r.next(&mut buf)).unwrap().unwrap();
/// assert_eq!((f.frames(), f.timestamp), (3, Duration::from_samples(5, 8_000)));
/// assert_eq!(r.position(), Duration::from_millis(1));
/// ```
#[derive(Debug)]
pub struct FrameReader<I> {
    input: I,
    format: AudioParams,
    frames: u64,
}

impl<I: PcmInput> FrameReader<I> {
    /// Starts at time zero.
    pub fn new(input: I) -> Self {
        let format = input.format();
        FrameReader { input, format, frames: 0 }
    }

    /// The input's format, as read at construction.
    pub fn format(&self) -> AudioParams {
        self.format
    }

    /// Media time of the next frame.
    pub fn position(&self) -> Duration {
        Duration::from_samples(self.frames, self.format.sample_rate)
    }

    /// The wrapped input.
    pub fn input_mut(&mut self) -> &mut I {
        &mut self.input
    }

    /// Reads the next frames into `buf`; `Ok(None)` at the end of the input.
    pub async fn next<'b>(
        &mut self,
        buf: &'b mut [i16],
    ) -> Result<Option<AudioFrame<'b>>, I::Error> {
        let channels = self.format.channels.max(1);
        let whole = crate::whole_frames(buf.len(), channels);
        let n = self.input.read(buf.get_mut(..whole).unwrap_or(&mut [])).await?;
        // Trust but verify: never more than asked, and whole frames only.
        let n = crate::whole_frames(n.min(whole), channels);
        if n == 0 {
            return Ok(None);
        }
        let timestamp = self.position();
        self.frames += (n / usize::from(channels)) as u64;
        let buf: &'b [i16] = buf;
        Ok(Some(AudioFrame {
            samples: Samples::I16(buf.get(..n).unwrap_or(&[])),
            channels,
            sample_rate: self.format.sample_rate,
            timestamp,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block_on;

    /// Claims to have read more than it was given room for, and partial frames.
    struct Liar;
    impl PcmInput for Liar {
        type Error = core::convert::Infallible;
        fn format(&self) -> AudioParams {
            AudioParams { sample_rate: 1_000, channels: 2 }
        }
        async fn read(&mut self, _: &mut [i16]) -> Result<usize, Self::Error> {
            Ok(1_001)
        }
    }

    #[test]
    fn counts_are_clamped_to_whole_frames_of_the_buffer() {
        let mut r = FrameReader::new(Liar);
        let mut buf = [0i16; 7];
        let f = block_on(r.next(&mut buf)).unwrap().unwrap();
        assert_eq!((f.frames(), f.samples.len()), (3, 6));
        assert_eq!(r.position(), Duration::from_millis(3));
        let mut tiny = [0i16; 1];
        assert!(block_on(r.next(&mut tiny)).unwrap().is_none());
    }
}
