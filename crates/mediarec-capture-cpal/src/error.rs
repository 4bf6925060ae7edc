//! Why capture could not start or go on.

use mediarec_core::{DomErrorName, Duration, ErrorKind};

/// A capture failure, with the `DOMException` name `getUserMedia` (or the track's ending)
/// would carry.
#[derive(Debug)]
#[non_exhaustive]
pub enum CaptureError {
    /// There is no input device at all (`NotFoundError`).
    NoDevice,
    /// No device matches the requested id or label (`NotFoundError`).
    NotFound(String),
    /// The device offers no PCM configuration we can read (`NotReadableError`).
    NoUsableConfig(String),
    /// The backend refused (`NotReadableError`): `context` says what we were doing.
    Backend {
        /// What was being done.
        context: &'static str,
        /// cpal's error.
        source: cpal::Error,
    },
    /// The device went away or the backend ended the stream (the track ends).
    DeviceLost(String),
    /// No audio arrived for this long: the device or its server is gone without saying so.
    Stalled(Duration),
    /// The thread that owns the stream could not be started.
    Thread(String),
}

impl CaptureError {
    /// The `DOMException` name for this failure.
    ///
    /// ```
    /// use mediarec_capture_cpal::CaptureError;
    /// use mediarec_core::DomErrorName;
    /// assert_eq!(CaptureError::NoDevice.dom_name(), DomErrorName::NotFound);
    /// ```
    pub fn dom_name(&self) -> DomErrorName {
        match self {
            CaptureError::NoDevice | CaptureError::NotFound(_) => DomErrorName::NotFound,
            CaptureError::NoUsableConfig(_) | CaptureError::Backend { .. } => {
                DomErrorName::NotReadable
            }
            CaptureError::DeviceLost(_) | CaptureError::Stalled(_) | CaptureError::Thread(_) => {
                DomErrorName::Unknown
            }
        }
    }
}

impl mediarec_core::Error for CaptureError {
    fn kind(&self) -> ErrorKind {
        match self {
            CaptureError::NoDevice
            | CaptureError::NotFound(_)
            | CaptureError::NoUsableConfig(_) => ErrorKind::Unsupported,
            CaptureError::Thread(_) => ErrorKind::Other,
            _ => ErrorKind::Device,
        }
    }
}

impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CaptureError::NoDevice => f.write_str("no audio input device"),
            CaptureError::NotFound(sel) => write!(f, "no audio input device matches '{sel}'"),
            CaptureError::NoUsableConfig(dev) => {
                write!(f, "the device '{dev}' offers no PCM format that can be captured")
            }
            CaptureError::Backend { context, source } => write!(f, "{context}: {source}"),
            CaptureError::DeviceLost(why) => write!(f, "the capture device was lost: {why}"),
            CaptureError::Stalled(d) => {
                write!(f, "the capture device delivered nothing for {} ms", d.as_millis())
            }
            CaptureError::Thread(why) => write!(f, "cannot start the capture thread: {why}"),
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CaptureError::Backend { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediarec_core::Error as _;

    #[test]
    fn names_kinds_and_messages() {
        let backend = CaptureError::Backend {
            context: "opening",
            source: cpal::Error::with_message(cpal::ErrorKind::DeviceBusy, "busy"),
        };
        assert_eq!(backend.dom_name(), DomErrorName::NotReadable);
        assert_eq!(backend.kind(), ErrorKind::Device);
        assert_eq!(backend.to_string(), "opening: busy");
        assert!(std::error::Error::source(&backend).is_some());
        let lost = CaptureError::DeviceLost("gone".into());
        assert_eq!((lost.dom_name(), lost.kind()), (DomErrorName::Unknown, ErrorKind::Device));
        assert_eq!(CaptureError::NotFound("x".into()).kind(), ErrorKind::Unsupported);
        assert_eq!(
            CaptureError::Stalled(Duration::from_secs(3)).to_string(),
            "the capture device delivered nothing for 3000 ms"
        );
    }
}
