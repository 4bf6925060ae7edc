//! `cargo xtask ci`: `setup --ci`, then every check, one named step after another, stopping
//! at the first failure. Each step prints the command that reruns it.
//!
//! Adding a check is one line in [`steps`].

use std::time::Instant;

use crate::{Result, capture, cargo, display, firmware, nostd, pulse, run_cmd, setup};

/// One named check.
struct Step {
    name: &'static str,
    action: Action,
}

enum Action {
    /// `cargo` with these environment variables and arguments, at the repository root.
    Cargo { env: &'static [(&'static str, &'static str)], args: &'static [&'static str] },
    /// The task of this program named like the step (`cargo xtask <name>`), run in this
    /// process.
    Task(fn() -> Result),
}

impl Step {
    fn cargo(name: &'static str, args: &'static [&'static str]) -> Step {
        Step::cargo_env(name, &[], args)
    }

    fn cargo_env(
        name: &'static str,
        env: &'static [(&'static str, &'static str)],
        args: &'static [&'static str],
    ) -> Step {
        Step { name, action: Action::Cargo { env, args } }
    }

    fn task(name: &'static str, task: fn() -> Result) -> Step {
        Step { name, action: Action::Task(task) }
    }

    /// The shell line that reruns this step.
    fn shown(&self) -> String {
        match self.action {
            Action::Cargo { env, args } => display(cargo(args).envs(env.iter().copied())),
            Action::Task(_) => format!("cargo xtask {}", self.name),
        }
    }

    fn execute(&self) -> Result {
        match self.action {
            Action::Cargo { env, args } => run_cmd(cargo(args).envs(env.iter().copied())),
            Action::Task(task) => {
                println!("$ cargo xtask {}", self.name);
                task()
            }
        }
    }
}

/// The fuzz targets built the way fuzzing builds them: nightly, sanitizer instrumentation,
/// `--cfg fuzzing`.
const FUZZ_NIGHTLY: &[&str] = &["+nightly", "fuzz", "build"];
/// Without cargo-fuzz or nightly: the same targets compiled by stable cargo, uninstrumented.
const FUZZ_STABLE: &[&str] = &["build", "--manifest-path", "fuzz/Cargo.toml"];

/// The checks, in order: cheap and most often failing first.
fn steps(fuzz_on_nightly: bool) -> Vec<Step> {
    vec![
        Step::cargo("fmt", &["fmt", "--all", "--", "--check"]),
        Step::cargo("clippy", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        Step::cargo("test", &["test", "--workspace"]),
        // Real microphones: a private PulseAudio with a 440 Hz source, captured through cpal.
        Step::task("capture", pulse::run),
        Step::cargo_env(
            "doc",
            &[("RUSTDOCFLAGS", "-Dwarnings")],
            &["doc", "--workspace", "--no-deps"],
        ),
        Step::task("nostd", nostd::run),
        // The Cortex-M4 example in QEMU (skipped when the target cannot be installed).
        Step::task("firmware", firmware::ci),
        if fuzz_on_nightly {
            Step::cargo("fuzz build", FUZZ_NIGHTLY)
        } else {
            Step::cargo("fuzz build (stable, uninstrumented)", FUZZ_STABLE)
        },
        Step::cargo("bench build", &["bench", "--no-run", "-p", "mediarec-benches"]),
    ]
}

pub fn run() -> Result {
    let started = Instant::now();
    println!("==> setup");
    println!("$ cargo xtask setup --ci");
    setup::run(true).map_err(|e| format!("ci step `setup` failed: {e}"))?;
    let mut timings = vec![format!("setup {:.0} s", started.elapsed().as_secs_f64())];

    let fuzz_on_nightly = capture(&mut cargo(&["+nightly", "fuzz", "--version"])).is_ok();
    if !fuzz_on_nightly {
        println!("ci: cargo-fuzz on nightly is not available: the fuzz targets are compiled");
        println!("    by stable cargo, without sanitizer instrumentation");
    }
    let steps = steps(fuzz_on_nightly);
    for (i, step) in steps.iter().enumerate() {
        println!("\n==> [{}/{}] {}", i + 1, steps.len(), step.name);
        let t = Instant::now();
        let outcome = step.execute();
        let secs = t.elapsed().as_secs_f64();
        if let Err(e) = outcome {
            return Err(format!(
                "ci step `{}` failed after {secs:.0} s: {e}\n  rerun it with: {}",
                step.name,
                step.shown()
            ));
        }
        println!("<== {} ok ({secs:.0} s)", step.name);
        timings.push(format!("{} {secs:.0} s", step.name));
    }
    println!(
        "\nci: all {} steps passed in {:.0} s ({})",
        steps.len() + 1,
        started.elapsed().as_secs_f64(),
        timings.join(", ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(fuzz_on_nightly: bool) -> Vec<String> {
        steps(fuzz_on_nightly).iter().map(Step::shown).collect()
    }

    #[test]
    fn steps_rerun_as_these_commands() {
        assert_eq!(
            shown(true),
            [
                "cargo fmt --all -- --check",
                "cargo clippy --workspace --all-targets -- -D warnings",
                "cargo test --workspace",
                "cargo xtask capture",
                "RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps",
                "cargo xtask nostd",
                "cargo xtask firmware",
                "cargo +nightly fuzz build",
                "cargo bench --no-run -p mediarec-benches",
            ]
        );
    }

    #[test]
    fn fuzz_targets_compile_even_without_nightly() {
        let stable = shown(false);
        assert_eq!(stable[7], "cargo build --manifest-path fuzz/Cargo.toml");
        assert_eq!(stable.len(), shown(true).len());
    }

    #[test]
    fn step_names_are_unique() {
        let steps = steps(true);
        let mut names: Vec<&str> = steps.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), steps.len());
    }
}
