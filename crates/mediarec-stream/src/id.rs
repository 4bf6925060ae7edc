//! Identifiers for streams and tracks: UUID-shaped strings from a caller-supplied source
//! of randomness (this crate has no RNG of its own).

use alloc::string::String;

/// Where stream and track ids come from.
///
/// Implement [`fill_random`](IdGenerator::fill_random) with a real random source (the std
/// facade uses the OS); the provided [`next_id`](IdGenerator::next_id) turns 16 bytes into
/// a version-4 UUID, the form the spec recommends to avoid fingerprinting. Override
/// `next_id` for fully scripted ids in tests.
pub trait IdGenerator {
    /// Fills `bytes` with random data.
    fn fill_random(&mut self, bytes: &mut [u8; 16]);

    /// A fresh id (36 characters, lowercase hex and dashes).
    fn next_id(&mut self) -> String {
        let mut b = [0u8; 16];
        self.fill_random(&mut b);
        format_uuid_v4(b)
    }
}

/// Formats 16 random bytes as an RFC 4122 version-4 UUID (`xxxxxxxx-xxxx-4xxx-yxxx-…`).
///
/// ```
/// let id = mediarec_stream::format_uuid_v4([0xAB; 16]);
/// assert_eq!(id, "abababab-abab-4bab-abab-abababababab");
/// assert!(mediarec_stream::is_valid_id(&id));
/// ```
pub fn format_uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0F) | 0x40;
    b[8] = (b[8] & 0x3F) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(HEX[usize::from(byte >> 4)]));
        s.push(char::from(HEX[usize::from(byte & 0x0F)]));
    }
    s
}

/// True when `id` has the shape web-platform-tests require of stream and track ids:
/// 36 characters, each in U+0021, U+0023–U+0027, U+002A–U+002B, U+002D–U+002E,
/// U+0030–U+0039, U+0041–U+005A or U+005E–U+007E.
pub fn is_valid_id(id: &str) -> bool {
    id.chars().count() == 36
        && id.chars().all(|c| {
            matches!(c, '\u{21}' | '\u{23}'..='\u{27}' | '\u{2A}'..='\u{2B}' | '\u{2D}'..='\u{2E}'
                | '0'..='9' | 'A'..='Z' | '\u{5E}'..='\u{7E}')
        })
}

/// A deterministic generator (SplitMix64) for tests and for firmware without a random
/// source. Its ids are unique per seed but guessable: use a real random source wherever
/// ids are exposed to other parties.
#[derive(Debug, Clone)]
pub struct SeededIds {
    state: u64,
}

impl SeededIds {
    /// A generator starting from `seed`.
    pub const fn new(seed: u64) -> Self {
        SeededIds { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl IdGenerator for SeededIds {
    fn fill_random(&mut self, bytes: &mut [u8; 16]) {
        let (a, b) = (self.next_u64(), self.next_u64());
        bytes[..8].copy_from_slice(&a.to_le_bytes());
        bytes[8..].copy_from_slice(&b.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeSet;

    #[test]
    fn uuid_shape() {
        let id = format_uuid_v4([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
        assert!(is_valid_id(&id));
        assert!(!is_valid_id("short"));
        assert!(!is_valid_id("00000000-0000-4000-8000-00000000000\""), "U+0022 is not allowed");
        assert!(!is_valid_id("00000000-0000-4000-8000-00000000000 "));
    }

    #[test]
    fn seeded_ids_are_distinct_and_valid() {
        let mut g = SeededIds::new(7);
        let ids: BTreeSet<String> = (0..1000).map(|_| g.next_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|i| is_valid_id(i)));
        assert_eq!(SeededIds::new(7).next_id(), SeededIds::new(7).next_id());
        assert_ne!(SeededIds::new(7).next_id(), SeededIds::new(8).next_id());
    }
}
