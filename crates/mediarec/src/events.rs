//! How events reach the application: handlers (like `ondataavailable`), a channel, and
//! (feature `async`) a `Stream`.

use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Waker;

use crate::recorder::Event;

/// An event handler; runs on the recorder's worker thread, so keep it short.
pub type Handler = Box<dyn FnMut(&Event) + Send>;

/// The handlers set on a recorder, one per event type (`onstart`, `ondataavailable`, …).
#[derive(Default)]
pub(crate) struct Handlers {
    pub(crate) start: Option<Handler>,
    pub(crate) dataavailable: Option<Handler>,
    pub(crate) pause: Option<Handler>,
    pub(crate) resume: Option<Handler>,
    pub(crate) stop: Option<Handler>,
    pub(crate) error: Option<Handler>,
}

impl Handlers {
    fn slot(&mut self, name: &str) -> Option<&mut Option<Handler>> {
        Some(match name {
            "start" => &mut self.start,
            "dataavailable" => &mut self.dataavailable,
            "pause" => &mut self.pause,
            "resume" => &mut self.resume,
            "stop" => &mut self.stop,
            "error" => &mut self.error,
            _ => return None,
        })
    }
}

/// The worker's side: calls the handler of an event's type, or else queues the event for
/// [`MediaRecorder::events`](crate::MediaRecorder::events) and wakes an async reader.
#[derive(Clone)]
pub(crate) struct Dispatcher {
    pub(crate) handlers: Arc<Mutex<Handlers>>,
    pub(crate) queue: Sender<Event>,
    pub(crate) waker: Arc<Mutex<Option<Waker>>>,
}

impl Dispatcher {
    pub(crate) fn dispatch(&self, event: Event) {
        let mut handlers = self.handlers.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(Some(h)) = handlers.slot(event.name()) {
            h(&event);
            return;
        }
        drop(handlers);
        let _ = self.queue.send(event);
        if let Some(w) = self.waker.lock().unwrap_or_else(PoisonError::into_inner).take() {
            w.wake();
        }
    }

    pub(crate) fn set(&self, name: &str, handler: Option<Handler>) {
        let mut handlers = self.handlers.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = handlers.slot(name) {
            *slot = handler;
        }
    }
}

/// The events not taken by a handler, as an async `Stream` (feature `async`). It ends when
/// the recorder is closed.
#[cfg(feature = "async")]
pub struct EventStream<'a> {
    pub(crate) receiver: &'a Receiver<Event>,
    pub(crate) waker: Arc<Mutex<Option<Waker>>>,
}

#[cfg(feature = "async")]
impl futures_core::Stream for EventStream<'_> {
    type Item = Event;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Event>> {
        use std::sync::mpsc::TryRecvError;
        use std::task::Poll;
        let poll = |r: &Receiver<Event>| match r.try_recv() {
            Ok(e) => Some(Poll::Ready(Some(e))),
            Err(TryRecvError::Disconnected) => Some(Poll::Ready(None)),
            Err(TryRecvError::Empty) => None,
        };
        if let Some(p) = poll(self.receiver) {
            return p;
        }
        *self.waker.lock().unwrap_or_else(PoisonError::into_inner) = Some(cx.waker().clone());
        // An event may have arrived between the first look and storing the waker.
        poll(self.receiver).unwrap_or(Poll::Pending)
    }
}

/// Keeps `Receiver` in use when the `async` feature is off.
#[cfg(not(feature = "async"))]
#[allow(dead_code)]
fn _uses(_: &Receiver<Event>) {}
