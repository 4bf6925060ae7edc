//! `mediarec fix`: rewrite a WebM/Matroska file into a seekable one.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mediarec::FixError;

use crate::Failure;

/// Arguments of `mediarec fix`.
#[derive(Args)]
pub struct FixArgs {
    /// The file to repair: ours, a browser's, or one cut short by a crash.
    input: PathBuf,
    /// Where to write the seekable copy (created or replaced; never the input).
    output: PathBuf,
    /// Also list every problem found in the input.
    #[arg(long, short)]
    verbose: bool,
}

pub fn fix(a: &FixArgs) -> Result<ExitCode, Failure> {
    let report = mediarec::fix_file(&a.input, &a.output).map_err(|e| {
        let what = match &e {
            FixError::Read(_) => a.input.display().to_string(),
            FixError::Write(_) => a.output.display().to_string(),
            _ => a.input.display().to_string(),
        };
        let hint = match e {
            FixError::UnsupportedCodec(_) => " (NotSupportedError)",
            _ => "",
        };
        Failure::usage(format!("cannot fix {what}: {e}{hint}"))
    })?;
    println!("{}: {}", a.output.display(), report.summary_line());
    if a.verbose {
        for p in &report.input.problems {
            println!("problem     {p}");
        }
        if report.input.problems_omitted > 0 {
            println!("problem     … and {} more", report.input.problems_omitted);
        }
    }
    Ok(ExitCode::SUCCESS)
}
