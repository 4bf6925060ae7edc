//! `cargo xtask firmware [--out FILE]`: builds `examples/firmware` for the Cortex-M4, boots
//! it in QEMU's `mps2-an386` board, copies the WebM it writes over semihosting to FILE,
//! checks it with ffprobe/ffmpeg (2.0 s of a 1 kHz tone) and reports flash and RAM use.
//!
//! Sizes come from the ELF section headers (no binutils needed): flash is what is loaded
//! (`text` + `rodata` + initialised `data`), static RAM is `data` + `bss`; the firmware
//! itself reports its output buffer and the deepest stack it used.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Result, capture, cargo, display, root, run_cmd, setup, target_dir};

/// The firmware crate, a workspace of its own.
const CRATE: &str = "examples/firmware";
/// The binary's name.
const BIN: &str = "mediarec-firmware";
/// What the firmware writes in QEMU's working directory.
const FILE_NAME: &str = "fw.webm";
/// QEMU must finish well within this (the firmware runs in under a second).
const QEMU_TIMEOUT: Duration = Duration::from_secs(120);
/// The goals: flash and RAM beyond the output buffer.
const FLASH_GOAL: u64 = 96 * 1024;
const RAM_GOAL: u64 = 16 * 1024;
/// The recording: 2 s of a 1 kHz tone.
const EXPECTED_SECONDS: f64 = 2.0;
const EXPECTED_HZ: f64 = 1_000.0;

/// `cargo xtask firmware`: fails when the target or QEMU cannot be had.
pub fn run(out: Option<PathBuf>) -> Result {
    build_run_check(out, false)
}

/// The CI step: like `cargo xtask firmware`, but a bare-metal target that cannot be
/// installed is reported and skipped, not a failure.
pub fn ci() -> Result {
    build_run_check(None, true)
}

fn build_run_check(out: Option<PathBuf>, skip_without_target: bool) -> Result {
    if let Err(why) = setup::ensure(&setup::thumb_target()) {
        let message = format!("cannot add the {} target: {why}", setup::THUMB_TARGET);
        if skip_without_target {
            println!("firmware: skipping: {message}");
            return Ok(());
        }
        return Err(message);
    }
    ensure_qemu()?;

    let dir = root().join(CRATE);
    let target = target_dir(&dir.join("target"));
    let mut build = cargo(&["build", "--release"]);
    // Inside the crate, so its `.cargo/config.toml` (target, linker script) applies; the
    // target directory made absolute, since cargo would resolve a relative one from here.
    build.current_dir(&dir).env("CARGO_TARGET_DIR", &target);
    run_cmd(&mut build)?;
    let elf = target.join(setup::THUMB_TARGET).join("release").join(BIN);

    let work = target_dir(&root().join("target")).join("firmware-run");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let report = run_qemu(&elf, &work)?;
    print!("{report}");

    let produced = work.join(FILE_NAME);
    let out =
        out.unwrap_or_else(|| target_dir(&root().join("target")).join("firmware").join(FILE_NAME));
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::copy(&produced, &out)
        .map_err(|e| format!("the firmware wrote no {FILE_NAME} ({e}); QEMU said:\n{report}"))?;

    let bytes = std::fs::read(&elf).map_err(|e| format!("cannot read {}: {e}", elf.display()))?;
    let sizes = elf_sizes(&bytes)?;
    let probe = Probe::parse(&report);
    println!("firmware: {}", sizes.describe(&probe));

    verify(&out)?;
    println!("firmware: {} holds {EXPECTED_SECONDS} s of a {EXPECTED_HZ} Hz tone", out.display());
    Ok(())
}

/// Installs QEMU (through `setup`) when `qemu-system-arm` is missing.
fn ensure_qemu() -> Result {
    if capture(Command::new("qemu-system-arm").arg("--version")).is_ok() {
        return Ok(());
    }
    println!("firmware: qemu-system-arm is missing; installing the setup packages");
    setup::run(false)?;
    capture(Command::new("qemu-system-arm").arg("--version"))
        .map(drop)
        .map_err(|e| format!("qemu-system-arm is still not usable: {e}"))
}

/// Boots `elf` with semihosting in `work`; returns what the firmware printed.
fn run_qemu(elf: &Path, work: &Path) -> Result<String> {
    let mut cmd = Command::new("qemu-system-arm");
    cmd.args(["-machine", "mps2-an386", "-cpu", "cortex-m4", "-nographic"])
        .args(["-semihosting-config", "enable=on,target=native", "-kernel"])
        .arg(elf)
        .current_dir(work)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    println!("$ (cd {} && {})", work.display(), display(&cmd));
    let mut child = cmd.spawn().map_err(|e| format!("cannot start qemu-system-arm: {e}"))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > QEMU_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("QEMU did not finish within {} s", QEMU_TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("waiting for QEMU: {e}")),
        }
    }
    let out = child.wait_with_output().map_err(|e| format!("reading QEMU's output: {e}"))?;
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        return Err(format!("the firmware failed ({}):\n{text}", out.status));
    }
    Ok(text)
}

/// What the firmware says about its own memory.
#[derive(Debug, Default, PartialEq, Eq)]
struct Probe {
    out_buffer: Option<u64>,
    stack_peak: Option<u64>,
}

impl Probe {
    /// Reads `out_buffer=N` and `stack_peak=N` from the firmware's report.
    fn parse(report: &str) -> Self {
        let value = |key: &str| {
            report
                .split_whitespace()
                .find_map(|w| w.strip_prefix(key)?.trim_end_matches([';', ',']).parse().ok())
        };
        Probe { out_buffer: value("out_buffer="), stack_peak: value("stack_peak=") }
    }
}

/// Berkeley-style sizes of an ELF image.
#[derive(Debug, Default, PartialEq, Eq)]
struct Sizes {
    /// Loaded, read-only: vector table, code, constants.
    text: u64,
    /// Loaded and copied to RAM at start: initialised statics.
    data: u64,
    /// Zeroed RAM: the other statics.
    bss: u64,
}

impl Sizes {
    fn flash(&self) -> u64 {
        self.text + self.data
    }

    fn describe(&self, probe: &Probe) -> String {
        let kib = |b: u64| b as f64 / 1024.0;
        let mut s = format!(
            "flash {} B ({:.1} KiB, goal ≤ {} KiB: {}); static RAM {} B (data {} + bss {})",
            self.flash(),
            kib(self.flash()),
            FLASH_GOAL / 1024,
            verdict(self.flash() <= FLASH_GOAL),
            self.data + self.bss,
            self.data,
            self.bss,
        );
        if let (Some(buffer), Some(stack)) = (probe.out_buffer, probe.stack_peak) {
            let beyond = (self.data + self.bss).saturating_sub(buffer) + stack;
            s += &format!(
                "; output buffer {buffer} B; stack peak {stack} B; RAM beyond the output buffer \
                 {beyond} B ({:.1} KiB, goal ≤ {} KiB: {})",
                kib(beyond),
                RAM_GOAL / 1024,
                verdict(beyond <= RAM_GOAL)
            );
        }
        s
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

/// Reads the section headers of a 32-bit little-endian ELF file.
fn elf_sizes(elf: &[u8]) -> Result<Sizes> {
    const SHF_WRITE: u32 = 0x1;
    const SHF_ALLOC: u32 = 0x2;
    const SHT_NOBITS: u32 = 8;
    let u16_at = |at: usize| elf.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at =
        |at: usize| elf.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if elf.get(..6) != Some(&[0x7F, b'E', b'L', b'F', 1, 1][..]) {
        return Err("not a 32-bit little-endian ELF file".into());
    }
    let bad = || "truncated ELF section headers".to_string();
    let shoff = u32_at(0x20).ok_or_else(bad)? as usize;
    let shentsize = usize::from(u16_at(0x2E).ok_or_else(bad)?);
    let shnum = usize::from(u16_at(0x30).ok_or_else(bad)?);
    if shentsize < 40 {
        return Err(bad());
    }
    let mut sizes = Sizes::default();
    for i in 0..shnum {
        let at = shoff + i * shentsize;
        let (kind, flags, size) = (
            u32_at(at + 4).ok_or_else(bad)?,
            u32_at(at + 8).ok_or_else(bad)?,
            u64::from(u32_at(at + 20).ok_or_else(bad)?),
        );
        if flags & SHF_ALLOC == 0 {
            continue;
        }
        if flags & SHF_WRITE == 0 {
            sizes.text += size;
        } else if kind == SHT_NOBITS {
            sizes.bss += size;
        } else {
            sizes.data += size;
        }
    }
    Ok(sizes)
}

/// Checks the recording with ffprobe (duration) and ffmpeg (decoded samples: length and
/// dominant frequency by zero crossings).
fn verify(file: &Path) -> Result {
    let seconds: f64 = capture(
        Command::new("ffprobe")
            .args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"])
            .arg(file),
    )?
    .trim()
    .parse()
    .map_err(|e| format!("ffprobe gave no duration for {}: {e}", file.display()))?;
    if (seconds - EXPECTED_SECONDS).abs() > 0.1 {
        return Err(format!(
            "ffprobe: {} lasts {seconds} s, not {EXPECTED_SECONDS} s",
            file.display()
        ));
    }
    let rate = 16_000u32;
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-f", "f32le", "-ac", "1", "-ar", &rate.to_string(), "-"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run ffmpeg: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "ffmpeg cannot decode {}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let samples: Vec<f32> =
        out.stdout.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    let decoded = samples.len() as f64 / f64::from(rate);
    let hz = frequency(&samples, rate);
    println!(
        "firmware: ffprobe {seconds:.3} s; decoded {decoded:.3} s; dominant frequency {hz:.1} Hz"
    );
    if (decoded - EXPECTED_SECONDS).abs() > 0.1 {
        return Err(format!("decoded {decoded} s, not {EXPECTED_SECONDS} s"));
    }
    if (hz - EXPECTED_HZ).abs() > EXPECTED_HZ * 0.02 {
        return Err(format!("the tone is {hz} Hz, not {EXPECTED_HZ} Hz"));
    }
    Ok(())
}

/// Frequency of a tone from its upward zero crossings.
fn frequency(samples: &[f32], rate: u32) -> f64 {
    let crossings: Vec<f64> = samples
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, w)| i as f64 + f64::from(-w[0]) / f64::from(w[1] - w[0]))
        .collect();
    match (crossings.first(), crossings.last()) {
        (Some(first), Some(last)) if crossings.len() > 2 && last > first => {
            (crossings.len() - 1) as f64 * f64::from(rate) / (last - first)
        }
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF32 image with the given (type, flags, size) sections.
    fn elf(sections: &[(u32, u32, u32)]) -> Vec<u8> {
        let mut f = vec![0u8; 52];
        f[..6].copy_from_slice(&[0x7F, b'E', b'L', b'F', 1, 1]);
        f[0x20..0x24].copy_from_slice(&52u32.to_le_bytes());
        f[0x2E..0x30].copy_from_slice(&40u16.to_le_bytes());
        f[0x30..0x32].copy_from_slice(&(sections.len() as u16).to_le_bytes());
        for &(kind, flags, size) in sections {
            let mut h = [0u8; 40];
            h[4..8].copy_from_slice(&kind.to_le_bytes());
            h[8..12].copy_from_slice(&flags.to_le_bytes());
            h[20..24].copy_from_slice(&size.to_le_bytes());
            f.extend_from_slice(&h);
        }
        f
    }

    #[test]
    fn sections_are_sorted_into_text_data_and_bss() {
        let image = elf(&[
            (0, 0, 0),        // the null section
            (1, 0x6, 1024),   // .vector_table / .text: alloc + exec
            (1, 0x2, 300),    // .rodata: alloc
            (1, 0x3, 8),      // .data: alloc + write
            (8, 0x3, 70_000), // .bss: alloc + write, no bits
            (1, 0x0, 9_999),  // .debug_info: not loaded
        ]);
        let s = elf_sizes(&image).expect("a valid image");
        assert_eq!(s, Sizes { text: 1324, data: 8, bss: 70_000 });
        assert_eq!(s.flash(), 1332);
    }

    #[test]
    fn bad_elf_files_are_refused() {
        assert!(elf_sizes(b"not an elf").is_err());
        let mut image = elf(&[(1, 0x2, 4)]);
        image.truncate(70);
        assert!(elf_sizes(&image).is_err());
    }

    #[test]
    fn the_report_gives_buffer_and_stack_and_the_goals_are_judged() {
        let report =
            "mediarec-firmware: wrote 1 bytes; out_buffer=1000 stack_peak=700 recorder=5\n";
        let probe = Probe::parse(report);
        assert_eq!(probe, Probe { out_buffer: Some(1000), stack_peak: Some(700) });
        let sizes = Sizes { text: 2048, data: 0, bss: 1500 };
        let text = sizes.describe(&probe);
        assert!(text.contains("RAM beyond the output buffer 1200 B"), "{text}");
        assert!(text.contains("flash 2048 B (2.0 KiB, goal ≤ 96 KiB: met)"), "{text}");
        assert_eq!(Probe::parse("nothing here"), Probe::default());
        let big = Sizes { text: 200 * 1024, data: 0, bss: 0 };
        assert!(big.describe(&Probe::default()).contains("NOT met"));
    }

    #[test]
    fn zero_crossings_find_the_tone() {
        let rate = 16_000;
        let tone: Vec<f32> = (0..rate)
            .map(|i| {
                (2.0 * std::f64::consts::PI * 1000.0 * f64::from(i) / f64::from(rate)).sin() as f32
            })
            .collect();
        assert!((frequency(&tone, rate) - 1000.0).abs() < 1.0);
        assert_eq!(frequency(&[0.0; 100], rate), 0.0);
    }
}
