//! Our page reader and CRC against a file written by an independent implementation
//! (`opusenc` from opus-tools 0.2 with libopus 1.3.1, 300 ms of a 440 Hz tone, serial 12345).
#![allow(clippy::unwrap_used)]

use mediarec_ogg::{FLAG_BOS, FLAG_EOS, OpusHead, Page, Pages, crc32};

const REFERENCE: &[u8] = include_bytes!("data/opusenc-440hz-300ms.opus");

#[test]
fn every_page_of_the_reference_file_passes_our_crc() {
    let mut pages = 0;
    for page in Pages::new(REFERENCE) {
        let page = page.unwrap();
        assert_eq!(page.serial, 12345);
        assert_eq!(page.sequence, pages);
        pages += 1;
    }
    assert_eq!(pages, 3);
}

#[test]
fn crc_of_the_first_page_with_a_zeroed_field_is_the_stored_value() {
    let (page, len) = Page::parse(REFERENCE).unwrap();
    assert_eq!(len, 47);
    let mut bytes = REFERENCE[..len].to_vec();
    let stored = u32::from_le_bytes(bytes[22..26].try_into().unwrap());
    bytes[22..26].fill(0);
    assert_eq!(crc32(&bytes), stored);
    assert_eq!(stored, 0x4202_c123);
    assert_eq!(page.flags, FLAG_BOS);
    let (head, _) = OpusHead::parse(page.body).unwrap();
    assert_eq!((head.channels, head.pre_skip, head.input_sample_rate), (1, 312, 48_000));
}

#[test]
fn a_flipped_bit_anywhere_is_caught() {
    for i in (0..REFERENCE.len()).step_by(37) {
        if (22..26).contains(&i) {
            continue;
        }
        let mut bytes = REFERENCE.to_vec();
        bytes[i] ^= 0x10;
        assert!(Pages::new(&bytes).any(|p| p.is_err()), "flip at {i} went unnoticed");
    }
}

#[test]
fn the_last_page_carries_eos_and_the_trimmed_granule() {
    let last = Pages::new(REFERENCE).last().unwrap().unwrap();
    assert_eq!(last.flags, FLAG_EOS);
    // 300 ms at 48 kHz plus the 312-sample pre-skip.
    assert_eq!(last.granule, 14_400 + 312);
}
