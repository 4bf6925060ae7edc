//! Variable-length integers: element sizes and IDs.
//!
//! A VINT of width `w` (1–8 bytes) starts with `w - 1` zero bits and a marker bit; the
//! remaining `7 * w` bits carry the value. The value with every bit set is reserved and
//! means "unknown size", so the largest known size of width `w` is `2^(7w) - 2`.

use crate::WriteError;

/// The largest data size any VINT can carry (8 bytes wide).
pub const MAX_SIZE: u64 = (1 << 56) - 2;

/// The 8-byte "unknown size" marker, used for live `Segment` and `Cluster` elements whose
/// length is not known while they are being written.
pub const UNKNOWN_SIZE: [u8; 8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

/// The largest size a VINT of `width` bytes can carry, or `None` for a width outside 1–8.
pub const fn max_size_for_width(width: usize) -> Option<u64> {
    if width == 0 || width > 8 {
        return None;
    }
    Some((1u64 << (7 * width as u32)) - 2)
}

/// The narrowest width (1–8) that encodes `size`, or `None` when `size > MAX_SIZE`.
///
/// ```
/// use mediarec_ebml::size_len;
/// assert_eq!(size_len(126), Some(1));
/// assert_eq!(size_len(127), Some(2)); // 0x7F alone would mean "unknown"
/// assert_eq!(size_len(1 << 56), None);
/// ```
#[inline(always)]
pub const fn size_len(size: u64) -> Option<usize> {
    if size > MAX_SIZE {
        return None;
    }
    // `size` fits width `w` when `size + 1 < 2^(7w)` (all ones is reserved).
    let bits = 64 - (size + 1).leading_zeros() as usize;
    Some(bits.div_ceil(7))
}

/// An encoded VINT held inline (at most 8 bytes), ready to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vint {
    bytes: [u8; 8],
    len: u8,
}

impl Vint {
    /// `size` in the narrowest width.
    ///
    /// ```
    /// use mediarec_ebml::Vint;
    /// assert_eq!(Vint::size(5).unwrap().as_bytes(), &[0x85]);
    /// assert_eq!(Vint::size(200).unwrap().as_bytes(), &[0x40, 200]);
    /// ```
    // Always inlined: returned through memory, the Vint costs a store-forwarding stall on
    // the muxer's per-packet path.
    #[inline(always)]
    pub const fn size(size: u64) -> Result<Vint, WriteError> {
        match size_len(size) {
            Some(width) => Ok(Self::encode(size, width)),
            None => Err(WriteError::SizeTooLarge),
        }
    }

    /// `size` in exactly `width` bytes (1–8). A fixed width lets a size field be patched
    /// later without moving anything after it.
    ///
    /// ```
    /// use mediarec_ebml::Vint;
    /// assert_eq!(Vint::size_with_width(5, 2).unwrap().as_bytes(), &[0x40, 0x05]);
    /// ```
    pub const fn size_with_width(size: u64, width: usize) -> Result<Vint, WriteError> {
        match max_size_for_width(width) {
            None => Err(WriteError::InvalidWidth),
            Some(max) if size > max => Err(WriteError::SizeTooLarge),
            Some(_) => Ok(Self::encode(size, width)),
        }
    }

    /// The unknown-size marker of `width` bytes (1–8): the marker bit and all value bits set.
    pub const fn unknown(width: usize) -> Result<Vint, WriteError> {
        match max_size_for_width(width) {
            None => Err(WriteError::InvalidWidth),
            // All value bits set is max + 1.
            Some(max) => Ok(Self::encode(max + 1, width)),
        }
    }

    /// `value` must fit in `7 * width` bits and `width` be 1–8; callers check.
    #[inline(always)]
    const fn encode(value: u64, width: usize) -> Vint {
        let marked = value | (1u64 << (7 * width as u32));
        // Left-align the `width` significant bytes.
        let bytes = (marked << (8 * (8 - width as u32))).to_be_bytes();
        Vint { bytes, len: width as u8 }
    }

    /// The encoded bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len as usize).unwrap_or(&self.bytes)
    }

    /// The encoded bytes as a big-endian word, left-aligned (the first byte of the VINT is
    /// the most significant byte; bytes past [`Vint::len`] are zero). Lets hot paths store
    /// a VINT with one 8-byte write instead of a variable-length copy.
    ///
    /// ```
    /// use mediarec_ebml::Vint;
    /// assert_eq!(Vint::size(200).unwrap().to_be_word(), 0x40C8_0000_0000_0000);
    /// ```
    #[inline(always)]
    pub const fn to_be_word(&self) -> u64 {
        u64::from_be_bytes(self.bytes)
    }

    /// Width in bytes (1–8).
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: a VINT has at least one byte. Present for API symmetry with `len`.
    pub const fn is_empty(&self) -> bool {
        false
    }
}

/// The number of bytes element ID `id` occupies (1–4), or `None` when `id` is not a valid
/// EBML ID: its first byte's marker must match its length, and neither all value bits
/// clear nor all set is allowed.
///
/// ```
/// use mediarec_ebml::{id_len, ids};
/// assert_eq!(id_len(ids::SIMPLE_BLOCK), Some(1));
/// assert_eq!(id_len(ids::SEGMENT), Some(4));
/// assert_eq!(id_len(0x4000), None); // all value bits clear
/// assert_eq!(id_len(0x0123), None); // first byte 0x01 is not a 2-byte marker
/// ```
pub const fn id_len(id: u32) -> Option<usize> {
    let len = if id <= 0xFF {
        1
    } else if id <= 0xFFFF {
        2
    } else if id <= 0xFF_FFFF {
        3
    } else {
        4
    };
    let first = (id >> (8 * (len - 1))) as u8;
    if first.leading_zeros() as usize != len - 1 {
        return None;
    }
    let value_bits = 7 * len as u32;
    let value = id & ((1u32 << value_bits) - 1);
    if value == 0 || value == (1u32 << value_bits) - 1 {
        return None;
    }
    Some(len)
}

/// The bytes of a valid element ID, without leading zero bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdBytes {
    bytes: [u8; 4],
    len: u8,
}

impl IdBytes {
    pub(crate) const fn new(id: u32) -> Result<IdBytes, WriteError> {
        match id_len(id) {
            None => Err(WriteError::InvalidId),
            Some(len) => {
                let be = id.to_be_bytes();
                let mut bytes = [0u8; 4];
                let mut i = 0;
                while i < len {
                    bytes[i] = be[4 - len + i];
                    i += 1;
                }
                Ok(IdBytes { bytes, len: len as u8 })
            }
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len as usize).unwrap_or(&self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_widths_follow_the_reserved_all_ones_rule() {
        let table: &[(u64, usize)] = &[
            (0, 1),
            (126, 1),
            (127, 2),
            (16_382, 2),
            (16_383, 3),
            ((1 << 21) - 2, 3),
            ((1 << 21) - 1, 4),
            ((1 << 28) - 2, 4),
            ((1 << 28) - 1, 5),
            ((1 << 35) - 2, 5),
            ((1 << 42) - 2, 6),
            ((1 << 49) - 2, 7),
            ((1 << 49) - 1, 8),
            (MAX_SIZE, 8),
        ];
        for &(value, width) in table {
            assert_eq!(size_len(value), Some(width), "value {value}");
            assert_eq!(Vint::size(value).unwrap().len(), width);
        }
        assert_eq!(size_len(MAX_SIZE + 1), None);
        assert_eq!(Vint::size(MAX_SIZE + 1), Err(WriteError::SizeTooLarge));
    }

    proptest::proptest! {
        #[test]
        fn sizes_round_trip_through_the_reader_in_minimal_width(v in 0..=MAX_SIZE, w in 1usize..=8) {
            let e = Vint::size(v).unwrap();
            proptest::prop_assert_eq!(crate::read_size(e.as_bytes()), Ok((Some(v), e.len())));
            if e.len() > 1 {
                proptest::prop_assert!(v > max_size_for_width(e.len() - 1).unwrap());
            }
            match Vint::size_with_width(v, w) {
                Ok(f) => proptest::prop_assert_eq!(crate::read_size(f.as_bytes()), Ok((Some(v), w))),
                Err(_) => proptest::prop_assert!(w < e.len()),
            }
        }
    }

    #[test]
    fn encodings_match_the_spec_examples() {
        let table: &[(u64, usize, &[u8])] = &[
            (0, 1, &[0x80]),
            (1, 1, &[0x81]),
            (126, 1, &[0xFE]),
            (127, 2, &[0x40, 0x7F]),
            (1, 2, &[0x40, 0x01]),
            (0x3FFE, 2, &[0x7F, 0xFE]),
            (1, 4, &[0x10, 0x00, 0x00, 0x01]),
            (1, 8, &[0x01, 0, 0, 0, 0, 0, 0, 0x01]),
            (MAX_SIZE, 8, &[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]),
        ];
        for &(value, width, bytes) in table {
            assert_eq!(Vint::size_with_width(value, width).unwrap().as_bytes(), bytes);
        }
    }

    #[test]
    fn forced_width_rejects_what_does_not_fit() {
        assert_eq!(Vint::size_with_width(127, 1), Err(WriteError::SizeTooLarge));
        assert_eq!(Vint::size_with_width(0, 0), Err(WriteError::InvalidWidth));
        assert_eq!(Vint::size_with_width(0, 9), Err(WriteError::InvalidWidth));
    }

    #[test]
    fn unknown_markers_have_all_value_bits_set() {
        assert_eq!(Vint::unknown(1).unwrap().as_bytes(), &[0xFF]);
        assert_eq!(Vint::unknown(2).unwrap().as_bytes(), &[0x7F, 0xFF]);
        assert_eq!(Vint::unknown(8).unwrap().as_bytes(), &UNKNOWN_SIZE);
    }

    #[test]
    fn ids_are_validated_by_marker_and_reserved_values() {
        assert_eq!(id_len(0x80), None);
        assert_eq!(id_len(0xFF), None);
        assert_eq!(id_len(0x81), Some(1));
        assert_eq!(id_len(0x7FFF), None);
        assert_eq!(id_len(0x4286), Some(2));
        assert_eq!(id_len(0x2AD7B1), Some(3));
        assert_eq!(id_len(0x1A45DFA3), Some(4));
        assert_eq!(id_len(0x1FFFFFFF), None);
        assert_eq!(id_len(0x0A45DFA3), None);
        assert_eq!(id_len(0x42), None);
        assert_eq!(IdBytes::new(0x1A45DFA3).unwrap().as_bytes(), &[0x1A, 0x45, 0xDF, 0xA3]);
    }
}
