//! What can go wrong when encoding Opus with opus-rs.

use core::fmt;

use mediarec_core::{Error, ErrorKind};

/// An error from [`PureOpusEncoder`](crate::PureOpusEncoder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PureOpusError {
    /// The input sample rate is not one Opus encodes natively (8, 12, 16, 24 or 48 kHz);
    /// there is no resampler without an allocator.
    UnsupportedSampleRate(u32),
    /// The input has other than 1 or 2 channels, or
    /// [`PureOpusOptions::channels`](crate::PureOpusOptions) asks for other than 1 or 2.
    UnsupportedChannels(u16),
    /// [`PureOpusApplication::LowDelay`](crate::PureOpusApplication) at 12 kHz: opus-rs
    /// 0.1.40 produces packets no decoder can make sense of there.
    UnsupportedLowDelayRate(u32),
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
    /// opus-rs refused to set up or to encode, with its message.
    Encoder(&'static str),
}

impl Error for PureOpusError {
    fn kind(&self) -> ErrorKind {
        match self {
            PureOpusError::UnsupportedSampleRate(_)
            | PureOpusError::UnsupportedChannels(_)
            | PureOpusError::UnsupportedLowDelayRate(_) => ErrorKind::Unsupported,
            PureOpusError::InvalidComplexity(_)
            | PureOpusError::FrameMismatch { .. }
            | PureOpusError::PartialSampleFrame
            | PureOpusError::Finished
            | PureOpusError::OutputTooSmall { .. } => ErrorKind::InvalidInput,
            PureOpusError::Encoder(_) => ErrorKind::Codec,
        }
    }
}

impl fmt::Display for PureOpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PureOpusError::UnsupportedSampleRate(rate) => write!(
                f,
                "Opus input sample rate {rate} Hz is not supported (use 8000, 12000, 16000, \
                 24000 or 48000)"
            ),
            PureOpusError::UnsupportedChannels(ch) => {
                write!(f, "{ch} channels are not supported (Opus encodes 1 or 2)")
            }
            PureOpusError::UnsupportedLowDelayRate(rate) => {
                write!(f, "the low-delay Opus application does not work at {rate} Hz")
            }
            PureOpusError::InvalidComplexity(c) => {
                write!(f, "Opus complexity {c} is not in 0..=10")
            }
            PureOpusError::FrameMismatch { sample_rate, channels } => write!(
                f,
                "audio frame ({sample_rate} Hz, {channels} channels) does not match the encoder input"
            ),
            PureOpusError::PartialSampleFrame => {
                f.write_str("audio frame sample count is not a multiple of its channel count")
            }
            PureOpusError::Finished => f.write_str("Opus encoder already finished"),
            PureOpusError::OutputTooSmall { needed } => {
                write!(f, "packet buffer too small: the packet needs {needed} bytes")
            }
            PureOpusError::Encoder(why) => write!(f, "opus-rs failed: {why}"),
        }
    }
}

impl core::error::Error for PureOpusError {}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::ToString;

    use super::*;

    #[test]
    fn kinds_and_messages() {
        assert_eq!(PureOpusError::UnsupportedSampleRate(44_100).kind(), ErrorKind::Unsupported);
        assert!(PureOpusError::UnsupportedSampleRate(44_100).to_string().contains("44100"));
        assert_eq!(PureOpusError::UnsupportedChannels(6).kind(), ErrorKind::Unsupported);
        assert_eq!(PureOpusError::UnsupportedLowDelayRate(12_000).kind(), ErrorKind::Unsupported);
        assert_eq!(PureOpusError::InvalidComplexity(11).kind(), ErrorKind::InvalidInput);
        assert_eq!(PureOpusError::PartialSampleFrame.kind(), ErrorKind::InvalidInput);
        assert_eq!(PureOpusError::Finished.kind(), ErrorKind::InvalidInput);
        assert_eq!(PureOpusError::OutputTooSmall { needed: 9 }.kind(), ErrorKind::InvalidInput);
        let enc = PureOpusError::Encoder("Invalid frame size");
        assert_eq!(enc.kind(), ErrorKind::Codec);
        assert!(enc.to_string().contains("Invalid frame size"));
    }
}
