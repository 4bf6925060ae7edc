//! The `OpusHead` identification header (RFC 7845 §5.1): WebM/Matroska store it as
//! `CodecPrivate`, Ogg as the first packet.

/// Length of an `OpusHead` with channel mapping family 0.
pub(crate) const OPUS_HEAD_LEN: usize = 19;

/// An `OpusHead` for mapping family 0 (mono or stereo) with zero output gain.
///
/// `pre_skip` counts 48 kHz samples whatever the input rate; `input_rate` is only
/// informational, since decoders output 48 kHz.
pub(crate) fn opus_head(channels: u8, pre_skip: u16, input_rate: u32) -> [u8; OPUS_HEAD_LEN] {
    // Fixed offsets into a fixed-size array: checked at compile time.
    let mut h = [0u8; OPUS_HEAD_LEN];
    h[..8].copy_from_slice(b"OpusHead");
    h[8] = 1; // version
    h[9] = channels;
    h[10..12].copy_from_slice(&pre_skip.to_le_bytes());
    h[12..16].copy_from_slice(&input_rate.to_le_bytes());
    // Bytes 16..18: output gain 0 dB. Byte 18: mapping family 0 (mono or stereo, no table).
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_rfc_7845() {
        assert_eq!(
            opus_head(2, 312, 48_000),
            [
                b'O', b'p', b'u', b's', b'H', b'e', b'a', b'd', 1, 2, 0x38, 0x01, 0x80, 0xBB, 0x00,
                0x00, 0, 0, 0
            ]
        );
        assert_eq!(&opus_head(1, 120, 8_000)[9..16], &[1, 120, 0, 0x40, 0x1F, 0, 0]);
    }
}
