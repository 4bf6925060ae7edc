//! The Opus side of RFC 7845: identification and comment headers, packet durations.

use core::fmt;

/// Magic signature of the identification header.
pub const OPUS_HEAD_MAGIC: [u8; 8] = *b"OpusHead";
/// Magic signature of the comment header.
pub const OPUS_TAGS_MAGIC: [u8; 8] = *b"OpusTags";
/// The vendor string we write into `OpusTags`.
pub const VENDOR: &str = "mediarec";
/// Length of the `OpusTags` packet we write: magic, vendor length and string, no comments.
pub const OPUS_TAGS_LEN: usize = 8 + 4 + VENDOR.len() + 4;
/// Ogg Opus granule positions always count 48 kHz samples (RFC 7845 §4).
pub const GRANULE_RATE: u32 = 48_000;

/// Why an `OpusHead` is unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpusHeadError {
    /// Shorter than the 19 bytes of a family-0 header, or than its channel mapping table.
    TooShort,
    /// No `OpusHead` magic.
    BadMagic,
    /// A major version other than 0 (RFC 7845 §5.1: reject versions 16 and up).
    UnsupportedVersion(u8),
    /// Zero channels.
    NoChannels,
    /// Mapping family 0 with more than two channels.
    BadChannelMapping,
}

impl fmt::Display for OpusHeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpusHeadError::TooShort => f.write_str("OpusHead too short"),
            OpusHeadError::BadMagic => f.write_str("no OpusHead magic"),
            OpusHeadError::UnsupportedVersion(v) => write!(f, "OpusHead version {v} unsupported"),
            OpusHeadError::NoChannels => f.write_str("OpusHead with zero channels"),
            OpusHeadError::BadChannelMapping => f.write_str("invalid channel mapping"),
        }
    }
}

/// The fields of an `OpusHead` identification header (RFC 7845 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpusHead {
    /// Version byte (1 for files written to RFC 7845).
    pub version: u8,
    /// Output channels.
    pub channels: u8,
    /// Samples at 48 kHz to discard from the decoder output at the start.
    pub pre_skip: u16,
    /// Sample rate of the original input (informational).
    pub input_sample_rate: u32,
    /// Output gain in Q7.8 dB.
    pub output_gain: i16,
    /// Channel mapping family.
    pub mapping_family: u8,
}

impl OpusHead {
    /// Length of a family-0 header.
    pub const FAMILY0_LEN: usize = 19;

    /// Parses and validates a header; returns it with the length the header occupies.
    ///
    /// ```
    /// use mediarec_ogg::OpusHead;
    /// let h = OpusHead { version: 1, channels: 2, pre_skip: 312, input_sample_rate: 48_000,
    ///                    output_gain: 0, mapping_family: 0 };
    /// let bytes = h.to_bytes();
    /// assert_eq!(OpusHead::parse(&bytes), Ok((h, 19)));
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<(OpusHead, usize), OpusHeadError> {
        let fixed: &[u8; 19] = bytes
            .get(..Self::FAMILY0_LEN)
            .and_then(|b| b.try_into().ok())
            .ok_or(OpusHeadError::TooShort)?;
        let [
            m0,
            m1,
            m2,
            m3,
            m4,
            m5,
            m6,
            m7,
            version,
            channels,
            p0,
            p1,
            r0,
            r1,
            r2,
            r3,
            g0,
            g1,
            family,
        ] = *fixed;
        if [m0, m1, m2, m3, m4, m5, m6, m7] != OPUS_HEAD_MAGIC {
            return Err(OpusHeadError::BadMagic);
        }
        if version >= 16 {
            return Err(OpusHeadError::UnsupportedVersion(version));
        }
        if channels == 0 {
            return Err(OpusHeadError::NoChannels);
        }
        let len = if family == 0 {
            if channels > 2 {
                return Err(OpusHeadError::BadChannelMapping);
            }
            Self::FAMILY0_LEN
        } else {
            // Stream count, coupled count, then one mapping byte per channel.
            let len = Self::FAMILY0_LEN + 2 + channels as usize;
            let table = bytes.get(Self::FAMILY0_LEN..len).ok_or(OpusHeadError::TooShort)?;
            let (streams, coupled) = match table {
                [s, c, ..] => (*s, *c),
                _ => return Err(OpusHeadError::TooShort),
            };
            if streams == 0 || coupled > streams {
                return Err(OpusHeadError::BadChannelMapping);
            }
            len
        };
        let head = OpusHead {
            version,
            channels,
            pre_skip: u16::from_le_bytes([p0, p1]),
            input_sample_rate: u32::from_le_bytes([r0, r1, r2, r3]),
            output_gain: i16::from_le_bytes([g0, g1]),
            mapping_family: family,
        };
        Ok((head, len))
    }

    /// The 19-byte family-0 encoding (mono or stereo without a mapping table).
    pub fn to_bytes(&self) -> [u8; 19] {
        let mut b = [0u8; 19];
        b[..8].copy_from_slice(&OPUS_HEAD_MAGIC);
        b[8] = self.version;
        b[9] = self.channels;
        b[10..12].copy_from_slice(&self.pre_skip.to_le_bytes());
        b[12..16].copy_from_slice(&self.input_sample_rate.to_le_bytes());
        b[16..18].copy_from_slice(&self.output_gain.to_le_bytes());
        b[18] = self.mapping_family;
        b
    }
}

/// The `OpusTags` packet we write: vendor [`VENDOR`], no user comments.
pub fn opus_tags() -> [u8; OPUS_TAGS_LEN] {
    let mut b = [0u8; OPUS_TAGS_LEN];
    b[..8].copy_from_slice(&OPUS_TAGS_MAGIC);
    b[8..12].copy_from_slice(&(VENDOR.len() as u32).to_le_bytes());
    b[12..12 + VENDOR.len()].copy_from_slice(VENDOR.as_bytes());
    // The comment count (the last 4 bytes) stays 0.
    b
}

/// The number of 48 kHz samples an Opus packet decodes to, from its TOC byte and frame
/// count (RFC 6716 §3.1), or `None` for a malformed packet (empty, a code-3 packet without
/// its count byte, zero frames, or more than 120 ms).
///
/// ```
/// assert_eq!(mediarec_ogg::opus_packet_samples(&[0xFC, 0, 0]), Some(960)); // CELT 20 ms
/// assert_eq!(mediarec_ogg::opus_packet_samples(&[]), None);
/// ```
pub fn opus_packet_samples(packet: &[u8]) -> Option<u32> {
    let toc = *packet.first()?;
    let config = toc >> 3;
    let frame: u32 = match config {
        0..=11 => [480, 960, 1920, 2880][(config & 3) as usize],
        12..=15 => [480, 960][(config & 1) as usize],
        _ => [120, 240, 480, 960][(config & 3) as usize],
    };
    let frames = match toc & 3 {
        0 => 1,
        1 | 2 => 2,
        _ => u32::from(*packet.get(1)? & 0x3F),
    };
    let total = frame * frames;
    if frames == 0 || total > 5_760 { None } else { Some(total) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toc_durations_cover_every_mode() {
        // SILK 10/20/40/60 ms, hybrid 10/20 ms, CELT 2.5/5/10/20 ms; code 0 (one frame).
        let cases = [
            (0u8, 480),
            (1, 960),
            (2, 1920),
            (3, 2880),
            (12, 480),
            (13, 960),
            (16, 120),
            (17, 240),
            (18, 480),
            (19, 960),
            (31, 960),
        ];
        for (config, samples) in cases {
            assert_eq!(opus_packet_samples(&[config << 3]), Some(samples), "config {config}");
        }
        // Codes 1 and 2 carry two frames; code 3 carries its count byte.
        assert_eq!(opus_packet_samples(&[(19 << 3) | 1]), Some(1920));
        assert_eq!(opus_packet_samples(&[(19 << 3) | 2, 0]), Some(1920));
        assert_eq!(opus_packet_samples(&[(19 << 3) | 3, 6]), Some(5760));
        assert_eq!(opus_packet_samples(&[(19 << 3) | 3, 7]), None); // 140 ms
        assert_eq!(opus_packet_samples(&[(19 << 3) | 3, 0]), None);
        assert_eq!(opus_packet_samples(&[(19 << 3) | 3]), None);
        assert_eq!(opus_packet_samples(&[(16 << 3) | 3, 48]), Some(5760));
    }

    #[test]
    fn opus_head_validation() {
        let h = OpusHead {
            version: 1,
            channels: 1,
            pre_skip: 312,
            input_sample_rate: 44_100,
            output_gain: -256,
            mapping_family: 0,
        };
        let b = h.to_bytes();
        assert_eq!(OpusHead::parse(&b).unwrap().0, h);
        assert_eq!(OpusHead::parse(&b[..18]), Err(OpusHeadError::TooShort));
        let mut bad = b;
        bad[0] = b'o';
        assert_eq!(OpusHead::parse(&bad), Err(OpusHeadError::BadMagic));
        let mut bad = b;
        bad[8] = 16;
        assert_eq!(OpusHead::parse(&bad), Err(OpusHeadError::UnsupportedVersion(16)));
        let mut bad = b;
        bad[9] = 0;
        assert_eq!(OpusHead::parse(&bad), Err(OpusHeadError::NoChannels));
        let mut bad = b;
        bad[9] = 3;
        assert_eq!(OpusHead::parse(&bad), Err(OpusHeadError::BadChannelMapping));
        // Family 1 needs its mapping table.
        let mut fam1 = [0u8; 19 + 2 + 6];
        fam1[..19].copy_from_slice(&b);
        fam1[9] = 6;
        fam1[18] = 1;
        assert_eq!(OpusHead::parse(&fam1[..22]), Err(OpusHeadError::TooShort));
        assert_eq!(OpusHead::parse(&fam1), Err(OpusHeadError::BadChannelMapping));
        fam1[19] = 4;
        fam1[20] = 2;
        assert_eq!(OpusHead::parse(&fam1).unwrap().1, 27);
    }

    #[test]
    fn opus_tags_layout() {
        let t = opus_tags();
        assert_eq!(&t[..8], b"OpusTags");
        assert_eq!(u32::from_le_bytes(t[8..12].try_into().unwrap()), 8);
        assert_eq!(&t[12..20], b"mediarec");
        assert_eq!(&t[20..], &[0, 0, 0, 0]);
    }
}
