//! Proof that the `no_std` crates really are `no_std`: this binary has no `std` anywhere in
//! its graph, links the crates into an executable for the host and runs their code.
//!
//! A crate that pulls in `std` (itself, or through a dependency's feature) breaks this build
//! with E0152 "found duplicate lang item `panic_impl`". `cargo xtask nostd` builds and runs
//! it; exit status 0 means every check held, otherwise the failing check is named on stderr.
//!
//! Each crate has a module here with a `run` function; add it to [`CHECKS`].
#![no_std]
#![no_main]
#![deny(unsafe_code)]

mod check_core;
mod check_ebml;
mod check_mime;
mod check_ogg;
mod check_recorder;
mod check_webm;

use core::ffi::{c_char, c_int};
use core::fmt::{self, Write};

/// A check: it returns what went wrong, if anything.
type Check = fn() -> Result<(), &'static str>;

/// One entry per `no_std` crate.
const CHECKS: &[(&str, Check)] = &[
    ("mediarec-core", check_core::run),
    ("mediarec-ebml", check_ebml::run),
    ("mediarec-webm", check_webm::run),
    ("mediarec-ogg", check_ogg::run),
    ("mediarec-mime", check_mime::run),
    ("mediarec-recorder", check_recorder::run),
];

/// `Err(what)` unless `ok`.
fn ensure(ok: bool, what: &'static str) -> Result<(), &'static str> {
    if ok { Ok(()) } else { Err(what) }
}

// The C runtime's `_start` calls `main`, so it is a C symbol by that name.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    let mut failures: c_int = 0;
    for (name, check) in CHECKS {
        match check() {
            Ok(()) => {
                let _ = writeln!(Fd(1), "{name}: ok");
            }
            Err(what) => {
                let _ = writeln!(Fd(2), "{name}: FAILED: {what}");
                failures += 1;
            }
        }
    }
    failures
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let _ = writeln!(Fd(2), "mediarec-nostd-check: {info}");
    abort()
}

/// The prebuilt `core` for linux-gnu is compiled with unwinding and names this symbol;
/// with `panic = "abort"` it is never called.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}

// Linking libc explicitly: the default link line starts the program through the C
// runtime, which needs `__libc_start_main`. We also borrow `write` and `abort`.
#[allow(unsafe_code)]
#[link(name = "c")]
unsafe extern "C" {
    safe fn abort() -> !;
    fn write(fd: c_int, buf: *const u8, count: usize) -> isize;
}

/// A file descriptor to print to, without `std`.
struct Fd(c_int);

impl Write for Fd {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s.as_bytes();
        while !rest.is_empty() {
            // SAFETY: the pointer and length describe `rest`, a live byte slice.
            #[allow(unsafe_code)]
            let n = unsafe { write(self.0, rest.as_ptr(), rest.len()) };
            match usize::try_from(n) {
                Ok(n) if n > 0 => rest = rest.get(n..).unwrap_or_default(),
                _ => return Err(fmt::Error),
            }
        }
        Ok(())
    }
}
