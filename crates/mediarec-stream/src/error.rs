//! The errors the Media Capture model reports, each mapped to its web name.

use alloc::string::String;
use core::fmt;
use mediarec_core::{DomErrorName, ErrorKind};

/// `OverconstrainedError`: required constraints could not be met (spec C.9).
///
/// `constraint` names a required constraint that no examined settings dictionary could
/// satisfy, or is empty when only the combination failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverconstrainedError {
    /// The failing constraint's web name (`"channelCount"`), or `""`.
    pub constraint: String,
    /// Human-readable explanation.
    pub message: String,
}

impl OverconstrainedError {
    /// An error naming `constraint` with a message derived from it.
    pub fn new(constraint: &str) -> Self {
        let message = if constraint.is_empty() {
            String::from("the required constraints cannot be satisfied together")
        } else {
            alloc::format!("no setting satisfies the required constraint '{constraint}'")
        };
        OverconstrainedError { constraint: String::from(constraint), message }
    }
}

impl fmt::Display for OverconstrainedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OverconstrainedError: {}", self.message)
    }
}

/// Every failure of this crate, one variant per web error name it can produce.
///
/// getUserMedia rejects with any of these (spec C.12, error table); `applyConstraints`
/// only with [`CaptureError::Overconstrained`]; operations on a handle that does not belong
/// to the context report [`CaptureError::InvalidState`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaptureError {
    /// `TypeError`: no media type requested, a malformed constraint, or a required
    /// constraint that is not allowed for device selection.
    Type {
        /// What was wrong.
        message: String,
    },
    /// `OverconstrainedError`.
    Overconstrained(OverconstrainedError),
    /// `NotFoundError`: no device of a requested kind.
    NotFound {
        /// What was missing.
        message: String,
    },
    /// `NotReadableError`: the device is held by the OS, hardware or another program.
    NotReadable {
        /// What the backend reported.
        message: String,
    },
    /// `AbortError`: opening the device failed for another reason.
    Abort {
        /// What the backend reported.
        message: String,
    },
    /// `NotAllowedError`: permission denied.
    NotAllowed {
        /// Why.
        message: String,
    },
    /// `InvalidStateError`: the object is not (or no longer) part of this context.
    InvalidState {
        /// Why.
        message: String,
    },
}

impl CaptureError {
    /// A `TypeError` with `message`.
    pub fn type_error(message: impl Into<String>) -> Self {
        CaptureError::Type { message: message.into() }
    }

    /// The web name of this error.
    pub fn dom_name(&self) -> DomErrorName {
        match self {
            CaptureError::Type { .. } => DomErrorName::Type,
            CaptureError::Overconstrained(_) => DomErrorName::Overconstrained,
            CaptureError::NotFound { .. } => DomErrorName::NotFound,
            CaptureError::NotReadable { .. } => DomErrorName::NotReadable,
            CaptureError::Abort { .. } => DomErrorName::Abort,
            CaptureError::NotAllowed { .. } => DomErrorName::NotAllowed,
            CaptureError::InvalidState { .. } => DomErrorName::InvalidState,
        }
    }

    /// The message without the error name.
    pub fn message(&self) -> &str {
        match self {
            CaptureError::Overconstrained(e) => &e.message,
            CaptureError::Type { message }
            | CaptureError::NotFound { message }
            | CaptureError::NotReadable { message }
            | CaptureError::Abort { message }
            | CaptureError::NotAllowed { message }
            | CaptureError::InvalidState { message } => message,
        }
    }

    /// The constraint an `OverconstrainedError` names (`None` for other errors).
    pub fn constraint(&self) -> Option<&str> {
        match self {
            CaptureError::Overconstrained(e) => Some(&e.constraint),
            _ => None,
        }
    }

    pub(crate) fn unknown_handle(what: &str) -> Self {
        CaptureError::InvalidState { message: alloc::format!("unknown {what} handle") }
    }
}

impl From<OverconstrainedError> for CaptureError {
    fn from(e: OverconstrainedError) -> Self {
        CaptureError::Overconstrained(e)
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Overconstrained(e) => e.fmt(f),
            other => write!(f, "{}: {}", other.dom_name(), other.message()),
        }
    }
}

impl mediarec_core::Error for CaptureError {
    fn kind(&self) -> ErrorKind {
        match self {
            CaptureError::Type { .. } | CaptureError::InvalidState { .. } => {
                ErrorKind::InvalidInput
            }
            CaptureError::Overconstrained(_) | CaptureError::NotFound { .. } => {
                ErrorKind::Unsupported
            }
            CaptureError::NotReadable { .. } | CaptureError::Abort { .. } => ErrorKind::Device,
            CaptureError::NotAllowed { .. } => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn names_and_messages() {
        let e = CaptureError::from(OverconstrainedError::new("channelCount"));
        assert_eq!(e.dom_name(), DomErrorName::Overconstrained);
        assert_eq!(e.constraint(), Some("channelCount"));
        assert!(e.to_string().contains("channelCount"));
        let t = CaptureError::type_error("bad");
        assert_eq!(t.to_string(), "TypeError: bad");
        assert_eq!(t.constraint(), None);
        let empty = OverconstrainedError::new("");
        assert!(empty.message.contains("together"));
        assert_eq!(CaptureError::unknown_handle("track").dom_name(), DomErrorName::InvalidState);
        use mediarec_core::Error as _;
        assert_eq!(CaptureError::NotReadable { message: "x".into() }.kind(), ErrorKind::Device);
    }
}
