//! Block lacing (several frames in one block): Xiph, fixed-size and EBML.
//!
//! Browsers and our muxer never lace, but mkvmerge laces some audio, so the reader
//! splits laced blocks into frames instead of rejecting them. Malformed lacing is an
//! error the caller turns into a skipped block.

/// The most frames one laced block holds (the count byte stores count − 1).
pub const MAX_LACED_FRAMES: usize = 256;

/// Why a laced block could not be split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaceError;

impl std::fmt::Display for LaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("malformed block lacing")
    }
}

impl std::error::Error for LaceError {}

/// The frames of one block, in order, without copying them.
///
/// ```
/// use mediarec::LacedFrames;
/// // Fixed-size lacing (mode 2): 3 frames of 2 bytes.
/// let frames: Vec<&[u8]> = LacedFrames::new(2, &[2, 1, 1, 2, 2, 3, 3]).unwrap().collect();
/// assert_eq!(frames, [&[1u8, 1][..], &[2, 2], &[3, 3]]);
/// ```
#[derive(Debug, Clone)]
pub struct LacedFrames<'a> {
    sizes: [u32; MAX_LACED_FRAMES],
    count: usize,
    next: usize,
    data: &'a [u8],
}

impl<'a> LacedFrames<'a> {
    /// Splits the frame data of a block (the bytes after its 4-byte header) laced with
    /// `lacing` (0 none, 1 Xiph, 2 fixed-size, 3 EBML).
    pub fn new(lacing: u8, data: &'a [u8]) -> Result<Self, LaceError> {
        let mut out = LacedFrames { sizes: [0; MAX_LACED_FRAMES], count: 1, next: 0, data: &[] };
        if lacing == 0 {
            out.sizes[0] = u32::try_from(data.len()).map_err(|_| LaceError)?;
            out.data = data;
            return Ok(out);
        }
        let (&count_byte, rest) = data.split_first().ok_or(LaceError)?;
        let count = usize::from(count_byte) + 1;
        out.count = count;
        let mut pos = 0usize;
        let mut total = 0u64;
        match lacing {
            1 => {
                for i in 0..count - 1 {
                    let mut size = 0u64;
                    loop {
                        let b = *rest.get(pos).ok_or(LaceError)?;
                        pos += 1;
                        size += u64::from(b);
                        if b != 255 {
                            break;
                        }
                    }
                    out.sizes[i] = u32::try_from(size).map_err(|_| LaceError)?;
                    total += size;
                }
            }
            2 => {
                let len = rest.len();
                if len % count != 0 {
                    return Err(LaceError);
                }
                let each = u32::try_from(len / count).map_err(|_| LaceError)?;
                out.sizes[..count].fill(each);
                out.data = rest;
                return Ok(out);
            }
            3 if count > 1 => {
                let (first, w) = read_vint(rest.get(pos..).unwrap_or(&[]))?;
                pos += w;
                let mut size = i64::try_from(first).map_err(|_| LaceError)?;
                out.sizes[0] = u32::try_from(size).map_err(|_| LaceError)?;
                total += size as u64;
                for i in 1..count - 1 {
                    let (raw, w) = read_vint(rest.get(pos..).unwrap_or(&[]))?;
                    pos += w;
                    // Signed: subtract half the range of a `w`-byte VINT.
                    let bias = (1i64 << (7 * w as u32 - 1)) - 1;
                    size = size.checked_add(raw as i64 - bias).ok_or(LaceError)?;
                    out.sizes[i] = u32::try_from(size).map_err(|_| LaceError)?;
                    total += size as u64;
                }
            }
            3 => {}
            _ => return Err(LaceError),
        }
        let frames = rest.get(pos..).ok_or(LaceError)?;
        let last = (frames.len() as u64).checked_sub(total).ok_or(LaceError)?;
        out.sizes[count - 1] = u32::try_from(last).map_err(|_| LaceError)?;
        out.data = frames;
        Ok(out)
    }

    /// Number of frames.
    pub fn frame_count(&self) -> usize {
        self.count
    }
}

impl<'a> Iterator for LacedFrames<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.next >= self.count {
            return None;
        }
        let size = *self.sizes.get(self.next)? as usize;
        self.next += 1;
        let (frame, rest) = self.data.split_at_checked(size)?;
        self.data = rest;
        Some(frame)
    }
}

/// An unsigned EBML VINT (lace sizes): `(value, width)`.
fn read_vint(bytes: &[u8]) -> Result<(u64, usize), LaceError> {
    let first = *bytes.first().ok_or(LaceError)?;
    if first == 0 {
        return Err(LaceError);
    }
    let width = first.leading_zeros() as usize + 1;
    let raw = bytes.get(..width).ok_or(LaceError)?;
    let mut value = u64::from(first) & (0xFF >> width);
    for &b in raw.iter().skip(1) {
        value = (value << 8) | u64::from(b);
    }
    Ok((value, width))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(lacing: u8, data: &[u8]) -> Result<Vec<Vec<u8>>, LaceError> {
        Ok(LacedFrames::new(lacing, data)?.map(<[u8]>::to_vec).collect())
    }

    #[test]
    fn no_lacing_is_one_frame() {
        assert_eq!(split(0, &[1, 2, 3]).unwrap(), vec![vec![1, 2, 3]]);
        assert_eq!(split(0, &[]).unwrap(), vec![Vec::<u8>::new()]);
    }

    #[test]
    fn xiph_lacing_uses_255_runs() {
        // 3 frames: 256 bytes (255 + 1), 2 bytes, and the rest (1 byte).
        let mut data = vec![2, 255, 1, 2];
        data.extend(std::iter::repeat_n(9, 256));
        data.extend([5, 5, 6]);
        let frames = split(1, &data).unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].len(), 256);
        assert_eq!(frames[1], vec![5, 5]);
        assert_eq!(frames[2], vec![6]);
    }

    #[test]
    fn ebml_lacing_uses_signed_differences() {
        // 3 frames: 4 bytes, 4 + (-1) = 3 bytes, rest 2 bytes.
        // First size 0x84; difference −1 as a 1-byte signed VINT: 0x80 | (63 − 1) = 0xBE.
        let data = [2, 0x84, 0xBE, 1, 1, 1, 1, 2, 2, 2, 3, 3];
        let frames = split(3, &data).unwrap();
        assert_eq!(frames, vec![vec![1, 1, 1, 1], vec![2, 2, 2], vec![3, 3]]);
    }

    #[test]
    fn malformed_lacing_is_an_error() {
        assert_eq!(split(1, &[]), Err(LaceError));
        assert_eq!(split(1, &[1, 255]), Err(LaceError)); // size run never ends
        assert_eq!(split(1, &[1, 9, 1]), Err(LaceError)); // sizes exceed the data
        assert_eq!(split(2, &[1, 1, 2, 3]), Err(LaceError)); // 3 bytes for 2 frames
        assert_eq!(split(3, &[1, 0x00]), Err(LaceError)); // invalid VINT
        assert_eq!(split(3, &[2, 0x81, 0x80, 1]), Err(LaceError)); // negative size
    }

    fn xiph(frames: &[Vec<u8>]) -> Vec<u8> {
        let mut out = vec![(frames.len() - 1) as u8];
        for f in &frames[..frames.len() - 1] {
            let mut n = f.len();
            while n >= 255 {
                out.push(255);
                n -= 255;
            }
            out.push(n as u8);
        }
        for f in frames {
            out.extend_from_slice(f);
        }
        out
    }

    proptest! {
        #[test]
        fn xiph_round_trips(frames in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..600), 1..20)) {
            prop_assert_eq!(split(1, &xiph(&frames)).unwrap(), frames);
        }

        #[test]
        fn arbitrary_bytes_never_panic(lacing in 0u8..5, data in prop::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(frames) = LacedFrames::new(lacing, &data) {
                let count = frames.frame_count();
                let total: usize = frames.map(<[u8]>::len).sum();
                prop_assert!(total <= data.len());
                prop_assert!(count >= 1);
            }
        }
    }
}
