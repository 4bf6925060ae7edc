//! `cargo xtask nostd`: proves the `no_std` crates need neither `std` nor an allocator.
//!
//! 1. `crates/mediarec-nostd-check`, a `#![no_std]` binary in a workspace of its own (so the
//!    main workspace's feature unification cannot sneak `std` in or out), links the crates
//!    for the host and runs their code; exit status 0 means every check held.
//! 2. Where the `thumbv7em-none-eabihf` target can be installed, the library crates are built
//!    for it: a target with no `std` at all.

use std::process::Command;

use crate::{Result, cargo, root, run_cmd, setup, target_dir};

const CHECK_CRATE: &str = "crates/mediarec-nostd-check";

/// The crates that promise `no_std`; built for the bare-metal target.
const NO_STD_CRATES: &[&str] = &[
    "mediarec-core",
    "mediarec-ebml",
    "mediarec-webm",
    "mediarec-recorder",
    "mediarec-mime",
    "mediarec-ogg",
    "mediarec-stream",
    "mediarec-source-synth",
    "mediarec-codec-pcm",
    "mediarec-capture-embedded",
    "mediarec-codec-opus-pure",
];

pub fn run() -> Result {
    let check = root().join(CHECK_CRATE);
    run_cmd(&mut cargo(&["build", "--manifest-path", &format!("{CHECK_CRATE}/Cargo.toml")]))?;
    let binary = target_dir(&check.join("target")).join("debug/mediarec-nostd-check");
    run_cmd(&mut Command::new(binary)).map_err(|e| format!("the no_std check failed: {e}"))?;

    match setup::ensure(&setup::thumb_target()) {
        Ok(()) => run_cmd(&mut cargo(&thumb_build_args(|name| {
            root().join("crates").join(name).join("Cargo.toml").is_file()
        }))),
        Err(why) => {
            println!("nostd: skipping {}: {why}", setup::THUMB_TARGET);
            Ok(())
        }
    }
}

/// `cargo build --target thumbv7em-none-eabihf -p …` for each `no_std` crate that `exists`.
fn thumb_build_args(exists: impl Fn(&str) -> bool) -> Vec<&'static str> {
    let mut args = vec!["build", "--target", setup::THUMB_TARGET];
    for name in NO_STD_CRATES.iter().copied().filter(|name| exists(name)) {
        args.extend(["-p", name]);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumb_build_names_only_crates_that_exist() {
        let args = thumb_build_args(|name| name != "mediarec-ogg" && name != "mediarec-stream");
        assert_eq!(
            args.join(" "),
            "build --target thumbv7em-none-eabihf -p mediarec-core -p mediarec-ebml \
             -p mediarec-webm -p mediarec-recorder -p mediarec-mime -p mediarec-source-synth \
             -p mediarec-codec-pcm -p mediarec-capture-embedded -p mediarec-codec-opus-pure"
        );
    }
}
