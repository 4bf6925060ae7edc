//! What can go wrong when encoding Opus.

use core::fmt;

use mediarec_core::{Error, ErrorKind};

/// An error from [`OpusEncoder`](crate::OpusEncoder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpusError {
    /// The input sample rate is outside [`INPUT_RATES`](crate::INPUT_RATES).
    UnsupportedSampleRate(u32),
    /// The input has no channels, or [`OpusOptions::channels`](crate::OpusOptions) asks for
    /// other than 1 or 2.
    UnsupportedChannels(u16),
    /// The complexity is above 10.
    InvalidComplexity(u8),
    /// A pushed frame's rate or channel count differs from the encoder's input.
    FrameMismatch {
        /// The frame's sample rate.
        sample_rate: u32,
        /// The frame's channel count.
        channels: u16,
    },
    /// A pushed frame's sample count is not a multiple of its channel count.
    PartialSampleFrame,
    /// `push` after `finish`.
    Finished,
    /// The buffer given to `pull` is smaller than the packet; the packet stays queued.
    OutputTooSmall {
        /// Bytes the packet needs.
        needed: usize,
    },
    /// The resampler could not be set up or failed.
    Resampler,
    /// libopus reported an error.
    Libopus {
        /// The libopus function that failed.
        function: &'static str,
        /// The libopus error code (negative).
        code: i32,
    },
}

impl From<opus::Error> for OpusError {
    fn from(e: opus::Error) -> Self {
        OpusError::Libopus { function: e.function(), code: e.code() as i32 }
    }
}

impl Error for OpusError {
    fn kind(&self) -> ErrorKind {
        match self {
            OpusError::UnsupportedSampleRate(_) | OpusError::UnsupportedChannels(_) => {
                ErrorKind::Unsupported
            }
            OpusError::InvalidComplexity(_)
            | OpusError::FrameMismatch { .. }
            | OpusError::PartialSampleFrame
            | OpusError::Finished
            | OpusError::OutputTooSmall { .. } => ErrorKind::InvalidInput,
            OpusError::Resampler | OpusError::Libopus { .. } => ErrorKind::Codec,
        }
    }
}

impl fmt::Display for OpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpusError::UnsupportedSampleRate(rate) => {
                write!(f, "Opus input sample rate {rate} Hz is not supported (use 1000 to 768000)")
            }
            OpusError::UnsupportedChannels(ch) => {
                write!(
                    f,
                    "{ch} channels are not supported (input needs at least 1, Opus encodes 1 or 2)"
                )
            }
            OpusError::InvalidComplexity(c) => write!(f, "Opus complexity {c} is not in 0..=10"),
            OpusError::FrameMismatch { sample_rate, channels } => write!(
                f,
                "audio frame ({sample_rate} Hz, {channels} channels) does not match the encoder input"
            ),
            OpusError::PartialSampleFrame => {
                f.write_str("audio frame sample count is not a multiple of its channel count")
            }
            OpusError::Finished => f.write_str("Opus encoder already finished"),
            OpusError::OutputTooSmall { needed } => {
                write!(f, "packet buffer too small: the packet needs {needed} bytes")
            }
            OpusError::Resampler => f.write_str("resampling to 48 kHz failed"),
            OpusError::Libopus { function, code } => {
                write!(f, "libopus {function} failed with error {code}")
            }
        }
    }
}

impl std::error::Error for OpusError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_messages() {
        assert_eq!(OpusError::UnsupportedSampleRate(100).kind(), ErrorKind::Unsupported);
        assert_eq!(OpusError::Resampler.kind(), ErrorKind::Codec);
        assert!(OpusError::Resampler.to_string().contains("48 kHz"));
        assert_eq!(OpusError::UnsupportedChannels(6).kind(), ErrorKind::Unsupported);
        assert_eq!(OpusError::InvalidComplexity(11).kind(), ErrorKind::InvalidInput);
        assert_eq!(OpusError::PartialSampleFrame.kind(), ErrorKind::InvalidInput);
        assert_eq!(OpusError::Finished.kind(), ErrorKind::InvalidInput);
        let libopus = OpusError::Libopus { function: "opus_encode_float", code: -1 };
        assert_eq!(libopus.kind(), ErrorKind::Codec);
        assert!(libopus.to_string().contains("opus_encode_float"));
        assert!(OpusError::UnsupportedSampleRate(800_000).to_string().contains("800000"));
    }
}
