//! What can go wrong when encoding VP8 or VP9.

use core::fmt;

use mediarec_core::{CodecId, Error, ErrorKind, PixelFormat};

/// An error from [`VpxEncoder`](crate::VpxEncoder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VpxError {
    /// The codec is not VP8 or VP9.
    UnsupportedCodec(CodecId),
    /// The picture size is zero or larger than the codec allows.
    UnsupportedSize {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
    },
    /// The pixel format is not I420, RGBA or BGRA.
    UnsupportedPixelFormat(PixelFormat),
    /// The speed is above the codec's fastest setting.
    InvalidSpeed(u8),
    /// A pushed picture's size differs from the encoder's.
    FrameMismatch {
        /// The picture's width.
        width: u32,
        /// The picture's height.
        height: u32,
    },
    /// A pushed picture has fewer bytes than its format and size need.
    ShortFrame {
        /// Bytes the picture needs.
        needed: usize,
        /// Bytes it has.
        got: usize,
    },
    /// `push` while packets of the previous picture wait to be pulled: pull them first.
    PacketsPending,
    /// `push` after `finish`.
    Finished,
    /// The buffer given to `pull` is smaller than the packet; the packet stays queued.
    OutputTooSmall {
        /// Bytes the packet needs.
        needed: usize,
    },
    /// The colour conversion to I420 failed.
    Conversion,
    /// libvpx reported an error.
    Libvpx {
        /// The libvpx function that failed.
        function: &'static str,
        /// The `vpx_codec_err_t` value.
        code: i32,
    },
}

impl Error for VpxError {
    fn kind(&self) -> ErrorKind {
        match self {
            VpxError::UnsupportedCodec(_)
            | VpxError::UnsupportedSize { .. }
            | VpxError::UnsupportedPixelFormat(_) => ErrorKind::Unsupported,
            VpxError::InvalidSpeed(_)
            | VpxError::FrameMismatch { .. }
            | VpxError::ShortFrame { .. }
            | VpxError::Finished
            | VpxError::OutputTooSmall { .. } => ErrorKind::InvalidInput,
            VpxError::PacketsPending => ErrorKind::Full,
            VpxError::Conversion | VpxError::Libvpx { .. } => ErrorKind::Codec,
        }
    }
}

/// The meaning of a `vpx_codec_err_t` value.
fn libvpx_error_name(code: i32) -> &'static str {
    match code {
        1 => "unspecified error",
        2 => "memory allocation failed",
        3 => "ABI version mismatch",
        4 => "algorithm does not have the capability",
        5 => "bitstream not supported",
        6 => "feature not supported",
        7 => "corrupt frame",
        8 => "invalid parameter",
        9 => "end of list",
        _ => "unknown error",
    }
}

impl fmt::Display for VpxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VpxError::UnsupportedCodec(codec) => {
                write!(f, "{} is not a libvpx codec (use vp8 or vp9)", codec.mime_name())
            }
            VpxError::UnsupportedSize { width, height } => {
                write!(f, "picture size {width}x{height} is not supported")
            }
            VpxError::UnsupportedPixelFormat(format) => {
                write!(f, "pixel format {format:?} is not supported (use I420, RGBA or BGRA)")
            }
            VpxError::InvalidSpeed(speed) => write!(f, "speed {speed} is out of range"),
            VpxError::FrameMismatch { width, height } => {
                write!(f, "picture ({width}x{height}) does not match the encoder size")
            }
            VpxError::ShortFrame { needed, got } => {
                write!(f, "picture has {got} bytes, its format and size need {needed}")
            }
            VpxError::PacketsPending => {
                f.write_str("packets of the previous picture must be pulled before the next push")
            }
            VpxError::Finished => f.write_str("video encoder already finished"),
            VpxError::OutputTooSmall { needed } => {
                write!(f, "packet buffer too small: the packet needs {needed} bytes")
            }
            VpxError::Conversion => f.write_str("colour conversion to I420 failed"),
            VpxError::Libvpx { function, code } => {
                write!(f, "libvpx {function} failed: {} ({code})", libvpx_error_name(*code))
            }
        }
    }
}

impl std::error::Error for VpxError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_messages() {
        assert_eq!(VpxError::UnsupportedCodec(CodecId::Opus).kind(), ErrorKind::Unsupported);
        assert!(VpxError::UnsupportedCodec(CodecId::Opus).to_string().contains("opus"));
        assert_eq!(
            VpxError::UnsupportedSize { width: 0, height: 1 }.kind(),
            ErrorKind::Unsupported
        );
        assert_eq!(VpxError::PacketsPending.kind(), ErrorKind::Full);
        assert_eq!(VpxError::ShortFrame { needed: 2, got: 1 }.kind(), ErrorKind::InvalidInput);
        let e = VpxError::Libvpx { function: "vpx_codec_encode", code: 8 };
        assert_eq!(e.kind(), ErrorKind::Codec);
        assert!(e.to_string().contains("invalid parameter"));
        assert!(e.to_string().contains("vpx_codec_encode"));
        assert!(VpxError::Libvpx { function: "f", code: 77 }.to_string().contains("unknown"));
    }
}
