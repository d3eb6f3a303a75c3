//! Replies to async messages: the caller's [`Reply<T>`] and the callee's
//! [`Responder<T>`], joined by a transaction number in the frame header.
//!
//! A reply frame's body starts with a status byte: [`ANSWERED`] then the
//! reply value, or [`RESPONDER_DROPPED`] alone. Every pending reply ends
//! exactly once: answered, rejected, or failed with the channel's close
//! reason — never left waiting on a channel that is gone.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::channel::CloseReason;
use crate::wire::{self, DecodeError, EncodeError, Encoder, MachMessage, Message};

/// Status byte: the reply value follows.
pub const ANSWERED: u8 = 0;
/// Status byte: the callee dropped its `Responder` unanswered.
pub const RESPONDER_DROPPED: u8 = 1;

/// Why a reply did not come.
#[derive(Debug)]
pub enum ReplyError {
    /// The callee dropped its `Responder` without answering.
    ResponderDropped,
    /// The channel closed before the reply arrived.
    Closed(CloseReason),
    /// `wait` gave up; a late reply is discarded.
    Timeout,
    /// The reply did not decode as the protocol's reply type.
    Decode(DecodeError),
}

impl std::fmt::Display for ReplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplyError::ResponderDropped => write!(f, "the callee dropped the call unanswered"),
            ReplyError::Closed(reason) => write!(f, "channel closed before the reply: {reason:?}"),
            ReplyError::Timeout => write!(f, "no reply in time"),
            ReplyError::Decode(error) => write!(f, "reply did not decode: {error}"),
        }
    }
}

impl std::error::Error for ReplyError {}

/// A reply frame that matches no call: a protocol violation by the peer,
/// which closes the channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnexpectedReply {
    /// No call with this transaction was made, or it was already answered.
    UnknownTransaction(u64),
    /// The body does not start with a known status byte.
    BadStatus(Option<u8>),
}

impl std::fmt::Display for UnexpectedReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnexpectedReply::UnknownTransaction(id) => {
                write!(f, "reply to transaction {id}, which is not pending")
            }
            UnexpectedReply::BadStatus(Some(byte)) => write!(f, "reply status byte {byte}"),
            UnexpectedReply::BadStatus(None) => write!(f, "reply without a status byte"),
        }
    }
}

impl std::error::Error for UnexpectedReply {}

type Outcome = Result<Message, ReplyError>;
type Callback = Box<dyn FnOnce(Outcome) + Send>;

enum SlotState {
    Waiting(Option<Waker>),
    Callback(Callback),
    Done(Outcome),
    Taken,
}

struct Slot {
    state: Mutex<SlotState>,
    ready: Condvar,
    /// Threads blocked in `Reply::wait`; changed only under `state`'s lock,
    /// so that a reply with nobody blocked costs no wake-up call.
    blocked: AtomicUsize,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Each critical section is one state transition or map operation.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Slot {
    fn finish(&self, outcome: Outcome) {
        let mut state = lock(&self.state);
        match std::mem::replace(&mut *state, SlotState::Taken) {
            SlotState::Waiting(waker) => {
                *state = SlotState::Done(outcome);
                let blocked = self.blocked.load(Ordering::Relaxed) > 0;
                drop(state);
                if blocked {
                    self.ready.notify_all();
                }
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
            SlotState::Callback(callback) => {
                drop(state);
                callback(outcome);
            }
            // Already finished: the first outcome stands; this one's rights
            // are released here.
            done @ (SlotState::Done(_) | SlotState::Taken) => *state = done,
        }
    }
}

#[derive(Default)]
struct Table {
    next: u64,
    pending: HashMap<u64, Arc<Slot>>,
    /// Calls whose caller stopped waiting: their reply is discarded, not
    /// treated as a violation.
    abandoned: HashSet<u64>,
    closed: Option<CloseReason>,
}

/// The calls of one channel that still wait for a reply.
#[derive(Clone, Default)]
pub struct PendingReplies {
    table: Arc<Mutex<Table>>,
}

impl std::fmt::Debug for PendingReplies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingReplies")
            .field("pending", &self.pending())
            .finish()
    }
}

impl PendingReplies {
    /// An empty table.
    pub fn new() -> PendingReplies {
        PendingReplies::default()
    }

    /// Starts a call: its transaction number (never 0) and the reply to
    /// wait on. Fails with the close reason once the channel has closed.
    pub fn register<T: MachMessage>(&self) -> Result<(u64, Reply<T>), ReplyError> {
        let mut table = lock(&self.table);
        if let Some(reason) = &table.closed {
            return Err(ReplyError::Closed(reason.clone()));
        }
        table.next += 1;
        let transaction = table.next;
        let slot = Arc::new(Slot {
            state: Mutex::new(SlotState::Waiting(None)),
            ready: Condvar::new(),
            blocked: AtomicUsize::new(0),
        });
        table.pending.insert(transaction, Arc::clone(&slot));
        let reply = Reply {
            transaction,
            slot,
            table: Arc::clone(&self.table),
            value: PhantomData,
        };
        Ok((transaction, reply))
    }

    /// A transaction number for a call whose reply does not come back
    /// through this table (a sync call's goes to its own reply port).
    pub fn next_transaction(&self) -> u64 {
        let mut table = lock(&self.table);
        table.next += 1;
        table.next
    }

    /// Hands a reply frame's body to its call. A violation leaves the call
    /// pending: the channel closes over it, which fails it with the reason.
    pub fn complete(&self, transaction: u64, body: Message) -> Result<(), UnexpectedReply> {
        let (slot, outcome) = {
            let mut table = lock(&self.table);
            if !table.pending.contains_key(&transaction) && !table.abandoned.contains(&transaction)
            {
                return Err(UnexpectedReply::UnknownTransaction(transaction));
            }
            let outcome = read_reply_body(body)?;
            table.abandoned.remove(&transaction);
            (table.pending.remove(&transaction), outcome)
        };
        if let Some(slot) = slot {
            slot.finish(outcome);
        }
        Ok(())
    }

    /// Fails every pending call with `reason`, and every later `register`.
    pub fn fail_all(&self, reason: &CloseReason) {
        let slots: Vec<Arc<Slot>> = {
            let mut table = lock(&self.table);
            table.closed.get_or_insert_with(|| reason.clone());
            table.abandoned.clear();
            table.pending.drain().map(|(_, slot)| slot).collect()
        };
        for slot in slots {
            slot.finish(Err(ReplyError::Closed(reason.clone())));
        }
    }

    /// Calls still waiting.
    pub fn pending(&self) -> usize {
        lock(&self.table).pending.len()
    }
}

/// The caller's side of a call: wait for it, `.await` it, or give it a
/// callback. Dropping it abandons the call; the reply is then discarded.
pub struct Reply<T> {
    transaction: u64,
    slot: Arc<Slot>,
    table: Arc<Mutex<Table>>,
    value: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("transaction", &self.transaction)
            .finish()
    }
}

fn decode_outcome<T: MachMessage>(outcome: Outcome) -> Result<T, ReplyError> {
    wire::decode(outcome?).map_err(ReplyError::Decode)
}

impl<T: MachMessage> Reply<T> {
    /// The call's transaction number.
    pub fn transaction(&self) -> u64 {
        self.transaction
    }

    /// Whether the reply (or the call's failure) has come.
    pub fn is_done(&self) -> bool {
        matches!(&*lock(&self.slot.state), SlotState::Done(_))
    }

    /// Blocks the calling thread until the reply, at most `timeout`.
    pub fn wait(self, timeout: Duration) -> Result<T, ReplyError> {
        let deadline = Instant::now() + timeout;
        let mut state = lock(&self.slot.state);
        loop {
            match std::mem::replace(&mut *state, SlotState::Taken) {
                SlotState::Done(outcome) => return decode_outcome(outcome),
                other => *state = other,
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ReplyError::Timeout);
            }
            self.slot.blocked.fetch_add(1, Ordering::Relaxed);
            state = self
                .slot
                .ready
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
            self.slot.blocked.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Runs `callback` with the reply when it comes (on the thread that
    /// delivers it), or now if it already has.
    pub fn then(self, callback: impl FnOnce(Result<T, ReplyError>) + Send + 'static) {
        let mut state = lock(&self.slot.state);
        match std::mem::replace(&mut *state, SlotState::Taken) {
            SlotState::Done(outcome) => {
                drop(state);
                callback(decode_outcome(outcome));
            }
            _ => {
                *state = SlotState::Callback(Box::new(move |outcome| {
                    callback(decode_outcome(outcome));
                }));
            }
        }
    }
}

impl<T: MachMessage> Future for Reply<T> {
    type Output = Result<T, ReplyError>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = lock(&self.slot.state);
        match std::mem::replace(&mut *state, SlotState::Taken) {
            SlotState::Done(outcome) => Poll::Ready(decode_outcome(outcome)),
            // Polled again after it completed: there is nothing more to give.
            SlotState::Taken => Poll::Ready(Err(ReplyError::Timeout)),
            _ => {
                *state = SlotState::Waiting(Some(context.waker().clone()));
                Poll::Pending
            }
        }
    }
}

impl<T> Reply<T> {
    /// Withdraws a call that was never sent: no reply is expected.
    pub(crate) fn cancel(self) {
        lock(&self.table).pending.remove(&self.transaction);
    }
}

impl<T> Drop for Reply<T> {
    fn drop(&mut self) {
        let state = lock(&self.slot.state);
        if matches!(&*state, SlotState::Waiting(_)) {
            drop(state);
            let mut table = lock(&self.table);
            if table.pending.remove(&self.transaction).is_some() && table.closed.is_none() {
                table.abandoned.insert(self.transaction);
            }
        }
    }
}

/// Where a [`Responder`] sends its one reply: back over the channel, or to
/// the reply right a sync call carried.
pub trait ReplySink: Send {
    /// Sends the reply body (status byte first) for `transaction`.
    fn send_reply(self: Box<Self>, transaction: u64, body: Message);
}

/// The callee's side of a call: answer it once with [`Responder::respond`].
/// Dropped unanswered, it tells the caller so (`ResponderDropped`).
pub struct Responder<T> {
    transaction: u64,
    sink: Option<Box<dyn ReplySink>>,
    value: PhantomData<fn(T)>,
}

impl<T> std::fmt::Debug for Responder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Responder")
            .field("transaction", &self.transaction)
            .finish()
    }
}

impl<T: MachMessage> Responder<T> {
    /// A responder for `transaction` that answers through `sink`.
    pub fn new(transaction: u64, sink: Box<dyn ReplySink>) -> Responder<T> {
        Responder {
            transaction,
            sink: Some(sink),
            value: PhantomData,
        }
    }

    /// Answers the call. If `value` cannot be encoded the caller is told
    /// the call was dropped, and the error comes back here.
    pub fn respond(mut self, value: T) -> Result<(), EncodeError> {
        // `respond` takes `self`, so the sink is still here.
        let Some(sink) = self.sink.take() else {
            return Ok(());
        };
        let mut encoder = Encoder::new();
        encoder.put_u8(ANSWERED);
        match value.encode(&mut encoder) {
            Ok(()) => {
                let (bytes, rights) = encoder.finish();
                sink.send_reply(self.transaction, Message { bytes, rights });
                Ok(())
            }
            Err(error) => {
                sink.send_reply(self.transaction, dropped_body());
                Err(error)
            }
        }
    }
}

impl<T> Responder<T> {
    /// The same answer, for a value of type `U` (the glue learns the
    /// type only when the handler asks).
    pub(crate) fn retype<U>(mut self) -> Responder<U> {
        Responder {
            transaction: self.transaction,
            sink: self.sink.take(),
            value: PhantomData,
        }
    }
}

/// A reply body's outcome: the value's message after the status byte, or
/// the callee's rejection. Shared by async replies and sync calls.
pub(crate) fn read_reply_body(
    body: Message,
) -> Result<Result<Message, ReplyError>, UnexpectedReply> {
    let Message { mut bytes, rights } = body;
    match bytes.first() {
        Some(&ANSWERED) => {
            bytes.remove(0);
            Ok(Ok(Message { bytes, rights }))
        }
        Some(&RESPONDER_DROPPED) if bytes.len() == 1 && rights.is_empty() => {
            Ok(Err(ReplyError::ResponderDropped))
        }
        other => Err(UnexpectedReply::BadStatus(other.copied())),
    }
}

fn dropped_body() -> Message {
    Message {
        bytes: vec![RESPONDER_DROPPED],
        rights: Vec::new(),
    }
}

impl<T> Drop for Responder<T> {
    fn drop(&mut self) {
        if let Some(sink) = self.sink.take() {
            sink.send_reply(self.transaction, dropped_body());
        }
    }
}

#[cfg(test)]
#[path = "reply_tests.rs"]
mod tests;
