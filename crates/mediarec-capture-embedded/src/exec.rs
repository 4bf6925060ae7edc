//! A busy-polling `block_on` for firmware without an executor.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// Runs `future` to completion on the current thread by polling it in a loop.
///
/// There is no waker to sleep on, so a future that waits for an interrupt spins; that is
/// fine for bring-up, simulators and tests, and for inputs that are always ready (a DMA
/// buffer already full, a synthetic source). Real firmware runs [`PcmInput`]s in an
/// executor such as embassy instead.
///
/// ```
/// use mediarec_capture_embedded::block_on;
/// assert_eq!(block_on(async { 6 * 7 }), 42);
/// ```
///
/// [`PcmInput`]: crate::PcmInput
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        core::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pending `n` times, then ready.
    struct Later(u32);
    impl Future for Later {
        type Output = u32;
        fn poll(mut self: core::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
            if self.0 == 0 {
                Poll::Ready(7)
            } else {
                self.0 -= 1;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    #[test]
    fn polls_until_ready() {
        assert_eq!(block_on(Later(5)), 7);
        assert_eq!(block_on(async { Later(3).await + 1 }), 8);
    }
}
