//! `opus-limit IN.wav [--bitrate BPS] [--complexity N]`: encodes a 16-bit PCM WAV file's
//! 20 ms frames with libopus and nothing else (no container, no output file), the way the
//! recorder configures it: 48 kHz, the file's channels (1 or 2), audio application,
//! variable bitrate, complexity 10 by default.
//!
//! Timed as a whole process, it is the floor for any recorder built on the same libopus:
//! reading the file and encoding it cannot be avoided. It prints one JSON object:
//! the libopus version, packets, bytes, audio seconds, and the time spent inside
//! `opus_encode_float`.

use std::fs::File;
use std::io::{BufReader, Read};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// A WAV file's sample layout: 16-bit PCM only.
struct Wav {
    reader: BufReader<File>,
    channels: usize,
    rate: u32,
    /// Bytes of sample data left.
    left: u64,
}

fn open(path: &str) -> Result<Wav, String> {
    let file = File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut r = BufReader::with_capacity(1 << 16, file);
    let mut riff = [0u8; 12];
    r.read_exact(&mut riff).map_err(|e| format!("{path}: {e}"))?;
    if &riff[0..4] != b"RIFF" || &riff[8..12] != b"WAVE" {
        return Err(format!("{path}: not a RIFF/WAVE file"));
    }
    let (mut channels, mut rate, mut bits, mut format) = (0usize, 0u32, 0u16, 0u16);
    loop {
        let mut head = [0u8; 8];
        r.read_exact(&mut head).map_err(|e| format!("{path}: no data chunk ({e})"))?;
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        match &head[0..4] {
            b"fmt " => {
                let mut fmt = vec![0u8; size as usize + (size as usize & 1)];
                r.read_exact(&mut fmt).map_err(|e| format!("{path}: {e}"))?;
                if fmt.len() < 16 {
                    return Err(format!("{path}: short fmt chunk"));
                }
                format = u16::from_le_bytes([fmt[0], fmt[1]]);
                channels = usize::from(u16::from_le_bytes([fmt[2], fmt[3]]));
                rate = u32::from_le_bytes([fmt[4], fmt[5], fmt[6], fmt[7]]);
                bits = u16::from_le_bytes([fmt[14], fmt[15]]);
            }
            b"data" => {
                // 1 = PCM, 0xFFFE = extensible (sox writes it for some layouts).
                if !(format == 1 || format == 0xFFFE) || bits != 16 {
                    return Err(format!(
                        "{path}: only 16-bit PCM is read (format {format}, {bits} bits)"
                    ));
                }
                if !(channels == 1 || channels == 2) || rate != 48_000 {
                    return Err(format!(
                        "{path}: mono or stereo 48 kHz only ({channels} ch, {rate} Hz)"
                    ));
                }
                return Ok(Wav { reader: r, channels, rate, left: u64::from(size) });
            }
            _ => {
                let skip = u64::from(size) + u64::from(size & 1);
                std::io::copy(&mut (&mut r).take(skip), &mut std::io::sink())
                    .map_err(|e| format!("{path}: {e}"))?;
            }
        }
    }
}

impl Wav {
    /// Fills `out` with the next samples as f32; returns how many sample frames were read.
    fn read(&mut self, bytes: &mut [u8], out: &mut [f32]) -> std::io::Result<usize> {
        let want = (bytes.len() as u64).min(self.left) as usize;
        let mut got = 0;
        while got < want {
            let n = self.reader.read(&mut bytes[got..want])?;
            if n == 0 {
                break;
            }
            got += n;
        }
        self.left -= got as u64;
        let samples = got / 2;
        for (o, b) in out.iter_mut().zip(bytes[..samples * 2].chunks_exact(2)) {
            *o = f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0;
        }
        Ok(samples / self.channels)
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let (mut bitrate, mut complexity) = (128_000i32, 10i32);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .and_then(|v| v.parse::<i32>().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match a.as_str() {
            "--bitrate" => bitrate = value("--bitrate")?,
            "--complexity" => complexity = value("--complexity")?,
            p if path.is_none() && !p.starts_with('-') => path = Some(p.to_string()),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    let path = path.ok_or("usage: opus-limit IN.wav [--bitrate BPS] [--complexity N]")?;
    let mut wav = open(&path)?;
    let channels = if wav.channels == 1 { opus::Channels::Mono } else { opus::Channels::Stereo };
    let mut enc = opus::Encoder::new(wav.rate, channels, opus::Application::Audio)
        .map_err(|e| format!("libopus: {e}"))?;
    enc.set_complexity(complexity).map_err(|e| format!("libopus: {e}"))?;
    enc.set_bitrate(opus::Bitrate::Bits(bitrate)).map_err(|e| format!("libopus: {e}"))?;
    enc.set_vbr(true).map_err(|e| format!("libopus: {e}"))?;
    let frame = (wav.rate / 50) as usize;
    let mut bytes = vec![0u8; frame * wav.channels * 2];
    let mut pcm = vec![0f32; frame * wav.channels];
    let mut packet = vec![0u8; 1276];
    let (mut packets, mut total, mut frames) = (0u64, 0u64, 0u64);
    let mut encoding = Duration::ZERO;
    loop {
        let n = wav.read(&mut bytes, &mut pcm).map_err(|e| format!("{path}: {e}"))?;
        if n == 0 {
            break;
        }
        pcm[n * wav.channels..].fill(0.0);
        let t = Instant::now();
        let len = enc.encode_float(&pcm, &mut packet).map_err(|e| format!("libopus: {e}"))?;
        encoding += t.elapsed();
        packets += 1;
        total += len as u64;
        frames += n as u64;
    }
    println!(
        "{{\"libopus\": \"{}\", \"packets\": {packets}, \"bytes\": {total}, \"audio_s\": {:.3}, \"encode_s\": {:.3}}}",
        opus::version(),
        frames as f64 / f64::from(wav.rate),
        encoding.as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("opus-limit: {e}");
            ExitCode::FAILURE
        }
    }
}
