//! Time as plain numbers: the core never reads a clock.

use core::ops::{Add, AddAssign, Sub};

/// A point in time, in microseconds since an epoch the driver chooses.
///
/// Drivers make instants (from `std::time::Instant`, a firmware timer or a test clock);
/// the core only compares and subtracts them.
///
/// ```
/// use mediarec_core::{Duration, Instant};
/// let t0 = Instant::from_micros(1_000);
/// let t1 = t0 + Duration::from_millis(20);
/// assert_eq!(t1 - t0, Duration::from_millis(20));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

/// A span of time in microseconds. Also used for media timestamps (time since the
/// start of the recording's timeline).
///
/// ```
/// use mediarec_core::Duration;
/// assert_eq!(Duration::from_secs(2).as_millis(), 2_000);
/// assert_eq!(Duration::from_samples(960, 48_000), Duration::from_millis(20));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(u64);

impl Instant {
    /// The epoch itself.
    pub const ZERO: Instant = Instant(0);

    /// An instant `us` microseconds after the epoch.
    pub const fn from_micros(us: u64) -> Self {
        Instant(us)
    }

    /// Microseconds since the epoch.
    pub const fn as_micros(self) -> u64 {
        self.0
    }

    /// Time from `earlier` to `self`, or zero when `earlier` is later.
    pub const fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl Duration {
    /// No time at all.
    pub const ZERO: Duration = Duration(0);
    /// The longest representable span; used for "no timeslice".
    pub const MAX: Duration = Duration(u64::MAX);

    /// `us` microseconds.
    pub const fn from_micros(us: u64) -> Self {
        Duration(us)
    }
    /// `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        Duration(ms.saturating_mul(1_000))
    }
    /// `s` seconds.
    pub const fn from_secs(s: u64) -> Self {
        Duration(s.saturating_mul(1_000_000))
    }
    /// The length of `samples` sample frames at `rate` Hz, rounded down to a microsecond.
    /// A zero rate gives zero.
    pub const fn from_samples(samples: u64, rate: u32) -> Self {
        if rate == 0 {
            return Duration(0);
        }
        Duration(((samples as u128 * 1_000_000) / rate as u128) as u64)
    }
    /// Whole microseconds.
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    /// Whole milliseconds, rounded down.
    pub const fn as_millis(self) -> u64 {
        self.0 / 1_000
    }
    /// Milliseconds as a float, for `BlobEvent.timecode`-style values.
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1_000.0
    }
    /// Nanoseconds, saturating.
    pub const fn as_nanos(self) -> u64 {
        self.0.saturating_mul(1_000)
    }
    /// The number of whole sample frames at `rate` Hz that fit in this span.
    pub const fn as_samples(self, rate: u32) -> u64 {
        ((self.0 as u128 * rate as u128) / 1_000_000) as u64
    }
    /// `self - other`, or zero.
    pub const fn saturating_sub(self, other: Duration) -> Duration {
        Duration(self.0.saturating_sub(other.0))
    }
    /// `self + other`, saturating at [`Duration::MAX`].
    pub const fn saturating_add(self, other: Duration) -> Duration {
        Duration(self.0.saturating_add(other.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d.0))
    }
}

impl Sub for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, d: Duration) -> Duration {
        self.saturating_add(d)
    }
}

impl AddAssign for Duration {
    fn add_assign(&mut self, d: Duration) {
        *self = self.saturating_add(d);
    }
}

impl Sub for Duration {
    type Output = Duration;
    fn sub(self, d: Duration) -> Duration {
        self.saturating_sub(d)
    }
}

/// A monotonic clock. Implemented by drivers only; the core takes time as an argument.
///
/// ```
/// use mediarec_core::{Clock, Instant};
/// struct Fixed(u64);
/// impl Clock for Fixed {
///     fn now(&self) -> Instant { Instant::from_micros(self.0) }
/// }
/// assert_eq!(Fixed(5).now().as_micros(), 5);
/// ```
pub trait Clock {
    /// The current instant.
    fn now(&self) -> Instant;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_conversions_round_down_and_survive_large_values() {
        assert_eq!(Duration::from_samples(1, 48_000).as_micros(), 20);
        assert_eq!(Duration::from_samples(48_000 * 3600, 48_000), Duration::from_secs(3600));
        assert_eq!(Duration::from_secs(1).as_samples(44_100), 44_100);
        assert_eq!(Duration::from_samples(5, 0), Duration::ZERO);
    }

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        assert_eq!(Duration::ZERO - Duration::from_secs(1), Duration::ZERO);
        assert_eq!(Duration::MAX + Duration::from_secs(1), Duration::MAX);
        assert_eq!(Instant::ZERO - Instant::from_micros(9), Duration::ZERO);
    }
}
