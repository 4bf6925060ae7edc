//! Error plumbing shared by every trait (the embedded-hal pattern): implementations keep
//! rich error types, generic code branches on [`ErrorKind`].

/// The broad class of a failure, enough for generic code to pick the spec's reaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request names something this implementation cannot do.
    Unsupported,
    /// The input is malformed or out of range.
    InvalidInput,
    /// A fixed-size buffer has no room; retry after draining.
    Full,
    /// A capture device failed or disappeared.
    Device,
    /// An encoder or decoder failed.
    Codec,
    /// Reading or writing bytes failed.
    Io,
    /// Anything else.
    Other,
}

/// An error that can say which [`ErrorKind`] it is.
///
/// ```
/// use mediarec_core::{Error, ErrorKind};
/// #[derive(Debug)]
/// struct DiskFull;
/// impl Error for DiskFull {
///     fn kind(&self) -> ErrorKind { ErrorKind::Io }
/// }
/// assert_eq!(DiskFull.kind(), ErrorKind::Io);
/// ```
pub trait Error: core::fmt::Debug {
    /// The class of this error.
    fn kind(&self) -> ErrorKind;
}

impl Error for ErrorKind {
    fn kind(&self) -> ErrorKind {
        *self
    }
}

impl Error for core::convert::Infallible {
    fn kind(&self) -> ErrorKind {
        match *self {}
    }
}

/// The `DOMException` names (and `TypeError`) that the MediaStream Recording and Media
/// Capture specs throw or report. Every spec-facing error type maps onto one of these.
///
/// ```
/// use mediarec_core::DomErrorName;
/// assert_eq!(DomErrorName::NotSupported.as_str(), "NotSupportedError");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DomErrorName {
    /// `NotSupportedError`.
    NotSupported,
    /// `InvalidStateError`.
    InvalidState,
    /// `SecurityError`.
    Security,
    /// `InvalidModificationError`.
    InvalidModification,
    /// `UnknownError`.
    Unknown,
    /// `EncodingError`.
    Encoding,
    /// `NotFoundError`.
    NotFound,
    /// `NotReadableError`.
    NotReadable,
    /// `OverconstrainedError`.
    Overconstrained,
    /// `AbortError`.
    Abort,
    /// `NotAllowedError`.
    NotAllowed,
    /// The ECMAScript `TypeError` (not a DOMException, but thrown by the same APIs).
    Type,
}

impl DomErrorName {
    /// The name exactly as the web platform spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            DomErrorName::NotSupported => "NotSupportedError",
            DomErrorName::InvalidState => "InvalidStateError",
            DomErrorName::Security => "SecurityError",
            DomErrorName::InvalidModification => "InvalidModificationError",
            DomErrorName::Unknown => "UnknownError",
            DomErrorName::Encoding => "EncodingError",
            DomErrorName::NotFound => "NotFoundError",
            DomErrorName::NotReadable => "NotReadableError",
            DomErrorName::Overconstrained => "OverconstrainedError",
            DomErrorName::Abort => "AbortError",
            DomErrorName::NotAllowed => "NotAllowedError",
            DomErrorName::Type => "TypeError",
        }
    }
}

impl core::fmt::Display for DomErrorName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}
