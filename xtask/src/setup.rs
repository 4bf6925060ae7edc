//! `cargo xtask setup [--ci]`: installs what is missing, and only that.
//!
//! System packages come from apt (Debian 12 names). With `--ci` it also adds the Rust tools
//! the CI steps use; those are best effort, because every step that needs one has a skip or
//! a fallback of its own.

use std::process::{Command, Stdio};

use crate::{Result, capture, cargo, display};

/// The Debian packages, grouped by what needs them.
pub const PACKAGES: &[&str] = &[
    // Build: the `opus` crate compiles libopus with cmake, which drives make; cpal links
    // ALSA, found through pkg-config; VP8 links libvpx; libfuzzer-sys compiles C++.
    "cmake",
    "make",
    "g++",
    "pkg-config",
    "libasound2-dev",
    "libvpx-dev",
    // Oracles: programs that share no code with ours and judge the files we write.
    "ffmpeg",
    "mkvtoolnix",
    "opus-tools",
    "gstreamer1.0-tools",
    "gstreamer1.0-plugins-base",
    "gstreamer1.0-plugins-base-apps",
    "gstreamer1.0-plugins-good",
    "mediainfo",
    "chromium",
    "chromium-driver",
    "sox",
    "time",
    // Capture tests: a PulseAudio server with a test microphone, ALSA routed to it, and a
    // terminal multiplexer to drive the CLI's keyboard controls.
    "pulseaudio",
    "pulseaudio-utils",
    "libasound2-plugins",
    "tmux",
    // Firmware: the Cortex-M4 example runs in QEMU's mps2-an386 board.
    "qemu-system-arm",
];

/// The bare-metal target the `no_std` crates are built for.
pub const THUMB_TARGET: &str = "thumbv7em-none-eabihf";

/// Wait for another apt/dpkg (e.g. unattended upgrades) instead of failing on its lock; no
/// progress bars, little output (it is shown only when apt fails).
const APT_OPTIONS: &[&str] = &["-o", "DPkg::Lock::Timeout=600", "-o", "Dpkg::Use-Pty=0", "-qq"];

pub fn run(ci: bool) -> Result {
    let mut summary = install_packages()?;
    if ci {
        let mut present = Vec::new();
        for tool in rust_tools() {
            match ensure(&tool) {
                Ok(()) => present.push(tool.name),
                Err(why) => println!("setup: skipping {}: {why}", tool.name),
            }
        }
        summary += &format!("; Rust tools present: {}", present.join(", "));
    }
    println!("setup: {summary}");
    Ok(())
}

fn install_packages() -> Result<String> {
    let Some(answer) = query_dpkg()? else {
        return Ok(format!(
            "skipped the system packages: no dpkg-query, so not Debian; \
             make sure these (Debian names) are installed: {}",
            PACKAGES.join(" ")
        ));
    };
    let absent = missing(PACKAGES, &answer);
    if absent.is_empty() {
        return Ok(format!("all {} Debian packages present", PACKAGES.len()));
    }
    let Some(privilege) = privilege() else {
        println!("setup: missing Debian packages: {}", absent.join(" "));
        println!("setup: not root, and sudo wants a password; run this, then setup again:");
        println!("  {}", manual_command(&absent));
        return Err("missing system packages".into());
    };
    for mut cmd in apt_commands(&absent, privilege) {
        println!("setup: {}", display(&cmd));
        apt(&mut cmd)?;
    }
    let still = query_dpkg()?.map(|answer| missing(PACKAGES, &answer).join(" "));
    match still {
        Some(still) if !still.is_empty() => {
            Err(format!("apt-get finished but these are still not installed: {still}"))
        }
        _ => Ok(format!(
            "installed {} Debian packages; all {} present",
            absent.len(),
            PACKAGES.len()
        )),
    }
}

/// One line `name status` per package dpkg knows; `None` when there is no dpkg-query.
fn query_dpkg() -> Result<Option<String>> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Package} ${Status}\n"])
        .args(PACKAGES)
        .stdin(Stdio::null())
        .output();
    match out {
        // It exits with 1 when it has never heard of some names; stdout still lists the rest.
        Ok(out) => Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot run dpkg-query: {e}")),
    }
}

/// The packages of `wanted` that `answer` (dpkg-query's `${Package} ${Status}` lines) does not
/// show as installed. Status is "want error state"; "hold ok installed" counts, removed
/// packages whose configuration files remain ("deinstall ok config-files") do not.
fn missing<'a>(wanted: &[&'a str], answer: &str) -> Vec<&'a str> {
    let installed = |name: &str| {
        answer.lines().any(|line| {
            let mut words = line.split_whitespace();
            words.next() == Some(name) && words.nth(2) == Some("installed")
        })
    };
    wanted.iter().copied().filter(|p| !installed(p)).collect()
}

/// How apt can be run without asking anyone anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Privilege {
    Root,
    /// `sudo -n` works (no password needed).
    Sudo,
}

fn privilege() -> Option<Privilege> {
    if capture(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0") {
        return Some(Privilege::Root);
    }
    let sudo = Command::new("sudo")
        .args(["-n", "true"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    sudo.is_ok_and(|s| s.success()).then_some(Privilege::Sudo)
}

/// `apt-get update`, then one `apt-get install` of everything missing.
fn apt_commands(missing: &[&str], privilege: Privilege) -> [Command; 2] {
    let apt_get = |action: &[&str]| {
        let mut cmd = match privilege {
            Privilege::Root => {
                let mut cmd = Command::new("apt-get");
                cmd.env("DEBIAN_FRONTEND", "noninteractive");
                cmd
            }
            Privilege::Sudo => {
                // sudo resets the environment; `env` sets the variable on the far side.
                let mut cmd = Command::new("sudo");
                cmd.args(["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
                cmd
            }
        };
        cmd.args(APT_OPTIONS).args(action);
        cmd
    };
    let mut install = apt_get(&["install", "-y", "--no-install-recommends"]);
    install.args(missing);
    [apt_get(&["update"]), install]
}

fn manual_command(missing: &[&str]) -> String {
    format!(
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends {}",
        missing.join(" ")
    )
}

/// Runs apt quietly; on failure shows the end of what it said.
fn apt(cmd: &mut Command) -> Result {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start `{}`: {e}", display(cmd)))?;
    if out.status.success() {
        return Ok(());
    }
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        let lines: Vec<&str> = text.lines().collect();
        for line in &lines[lines.len().saturating_sub(40)..] {
            eprintln!("  {line}");
        }
    }
    Err(format!("`{}` failed ({})", display(cmd), out.status))
}

/// A Rust-side tool: how to tell it is there, and how to add it.
pub struct Tool {
    pub name: &'static str,
    present: fn() -> bool,
    install: fn() -> Command,
}

pub fn thumb_target() -> Tool {
    Tool {
        name: THUMB_TARGET,
        present: || {
            capture(&mut rustup(&["target", "list", "--installed"]))
                .is_ok_and(|out| out.lines().any(|l| l.trim() == THUMB_TARGET))
        },
        install: || rustup(&["target", "add", THUMB_TARGET]),
    }
}

/// What `--ci` adds: the bare-metal target for `nostd`, nightly (with rust-src, for
/// `-Zbuild-std`) and cargo-fuzz for the fuzz build.
fn rust_tools() -> [Tool; 4] {
    [
        thumb_target(),
        Tool {
            name: "nightly",
            present: || {
                capture(&mut rustup(&["toolchain", "list"]))
                    .is_ok_and(|out| out.lines().any(|l| l.starts_with("nightly-")))
            },
            install: || rustup(&["toolchain", "install", "nightly", "--profile", "minimal"]),
        },
        Tool {
            name: "rust-src (nightly)",
            present: || {
                capture(&mut rustup(&[
                    "component",
                    "list",
                    "--installed",
                    "--toolchain",
                    "nightly",
                ]))
                .is_ok_and(|out| out.lines().any(|l| l.starts_with("rust-src")))
            },
            install: || rustup(&["component", "add", "rust-src", "--toolchain", "nightly"]),
        },
        Tool {
            name: "cargo-fuzz",
            present: || capture(&mut cargo(&["fuzz", "--version"])).is_ok(),
            install: || cargo(&["install", "cargo-fuzz", "--locked"]),
        },
    ]
}

/// Adds `tool` unless it is there, printing the command when it runs one.
pub fn ensure(tool: &Tool) -> Result {
    if (tool.present)() {
        return Ok(());
    }
    let mut cmd = (tool.install)();
    println!("setup: {}", display(&cmd));
    capture(&mut cmd).map(drop)
}

fn rustup(args: &[&str]) -> Command {
    let mut cmd = Command::new("rustup");
    cmd.args(args);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "\
cmake install ok installed
libasound2-dev install ok installed
libasound2-dev install ok installed
ffmpeg deinstall ok config-files
sox hold ok installed
tmux install ok not-installed
";

    #[test]
    fn missing_is_what_dpkg_does_not_show_installed() {
        let wanted = ["cmake", "libasound2-dev", "ffmpeg", "sox", "tmux", "chromium"];
        assert_eq!(missing(&wanted, ANSWER), ["ffmpeg", "tmux", "chromium"]);
        assert_eq!(missing(&wanted, ""), wanted);
        assert!(missing(&["cmake", "sox"], ANSWER).is_empty());
    }

    #[test]
    fn a_name_is_not_matched_by_its_prefix() {
        let answer = "gstreamer1.0-plugins-base-apps install ok installed\n";
        assert_eq!(missing(&["gstreamer1.0-plugins-base"], answer), ["gstreamer1.0-plugins-base"]);
    }

    #[test]
    fn package_list_has_no_duplicates() {
        let mut sorted = PACKAGES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), PACKAGES.len());
    }

    #[test]
    fn apt_runs_update_then_one_install_without_recommends() {
        let [update, install] = apt_commands(&["cmake", "sox"], Privilege::Root);
        assert_eq!(
            display(&update),
            "DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
             -o Dpkg::Use-Pty=0 -qq update"
        );
        assert_eq!(
            display(&install),
            "DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
             -o Dpkg::Use-Pty=0 -qq install -y --no-install-recommends cmake sox"
        );
        let [_, install] = apt_commands(&["cmake"], Privilege::Sudo);
        assert_eq!(
            display(&install),
            "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
             -o Dpkg::Use-Pty=0 -qq install -y --no-install-recommends cmake"
        );
        assert_eq!(
            manual_command(&["cmake", "sox"]),
            "sudo apt-get update && sudo apt-get install -y --no-install-recommends cmake sox"
        );
    }
}
