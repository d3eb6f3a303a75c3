//! One channel as the actor layer sees it: the bound channel (owned by its
//! event loop), the routing table, and what handles on any thread share.
//! Opening an endpoint as an actor makes one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

use crate::channel::{Bound, ChannelError, CloseReason, Frame, Outgoing};
use crate::endpoint::{Endpoint, ProtocolSide, Side};

use super::destroy::{BadMessageHook, DestroyReason};
use super::handle::ActorHandle;
use super::handler::Actor;
use super::routes::Routes;
use super::spec::SideSpec;
use super::{EventLoop, Priority, ReplySink};

/// A protocol side with the static tables generated code emits for it.
pub trait ActorSide: ProtocolSide {
    /// What this side receives.
    const SPEC: &'static SideSpec;
}

/// How this process binds an actor's channel.
#[derive(Clone)]
pub struct ActorOptions {
    process_kind: String,
    on_bad_message: Option<BadMessageHook>,
}

impl std::fmt::Debug for ActorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActorOptions")
            .field("process_kind", &self.process_kind)
            .field("on_bad_message", &self.on_bad_message.is_some())
            .finish()
    }
}

impl ActorOptions {
    /// Binds as a process of kind `process_kind` (what the peer's
    /// `[ChildProc]` / `[ParentProc]` checks).
    pub fn new(process_kind: &str) -> ActorOptions {
        ActorOptions {
            process_kind: process_kind.to_owned(),
            on_bad_message: None,
        }
    }

    /// Calls `hook` on the event loop whenever a peer's message closes the
    /// channel as bad (for example, to kill the misbehaving child).
    pub fn on_bad_message(
        mut self,
        hook: impl Fn(&super::BadMessageReport) + Send + Sync + 'static,
    ) -> ActorOptions {
        self.on_bad_message = Some(Arc::new(hook));
        self
    }
}

/// The bound channel, driven by the event loop: side-erased.
pub(super) trait Pump: Send {
    /// The next frame for the actors, `Ok(None)` for a control frame the
    /// channel handled itself, `Err(Timeout)` when nothing is waiting.
    fn next(&mut self) -> Result<Option<Frame>, ChannelError>;
    /// Where a received call's answer goes.
    fn reply_sink(&self, frame: &mut Frame) -> Option<(u64, Box<dyn ReplySink>)>;
    /// Stops receiving; pending calls fail with `reason`.
    fn shut(&mut self, reason: CloseReason);
}

impl<S: ProtocolSide> Pump for Bound<S> {
    fn next(&mut self) -> Result<Option<Frame>, ChannelError> {
        self.try_next()
    }

    fn reply_sink(&self, frame: &mut Frame) -> Option<(u64, Box<dyn ReplySink>)> {
        Bound::reply_sink(self, frame)
    }

    fn shut(&mut self, reason: CloseReason) {
        Bound::shut(self, reason);
    }
}

pub(super) struct Link {
    /// Unique in the process: keys `[Compress]` per actor across channels.
    pub(super) id: u64,
    pub(super) outgoing: Outgoing,
    pub(super) routes: Mutex<Routes>,
    pub(super) event_loop: EventLoop,
    pub(super) top: &'static SideSpec,
    pub(super) side: Side,
    pub(super) nonce: u128,
    pub(super) hook: Option<BadMessageHook>,
    /// The bound channel; `None` once shut.
    pub(super) pump: Mutex<Option<Box<dyn Pump>>>,
    /// Whether a pump job is queued and has not started draining.
    pub(super) pump_queued: AtomicBool,
    /// Arrivals the I/O thread has handed this channel.
    pub(super) arrivals: Arc<AtomicU64>,
    /// The watched ports of our managed endpoints not yet bound or
    /// dropped, by the actor's routing id.
    pub(super) watches: Mutex<HashMap<u32, crate::channel::PortWatch>>,
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section is a table operation; user code runs outside.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Which event loop runs each side of each channel open in this process,
/// by the pair's nonce: a sync call from the loop that would have to
/// deliver it is refused instead of waiting for its own timeout.
static HOSTS: Mutex<Option<HashMap<(u128, Side), u64>>> = Mutex::new(None);

pub(super) fn host_loop(nonce: u128, side: Side) -> Option<u64> {
    lock(&HOSTS).as_ref()?.get(&(nonce, side)).copied()
}

fn set_host(nonce: u128, side: Side, event_loop: Option<u64>) {
    let mut hosts = lock(&HOSTS);
    let hosts = hosts.get_or_insert_with(HashMap::new);
    match event_loop {
        Some(id) => hosts.insert((nonce, side), id),
        None => hosts.remove(&(nonce, side)),
    };
}

impl<S: ActorSide> Endpoint<S> {
    /// Binds this endpoint with `actor` as the channel's top-level actor,
    /// delivered on `event_loop`. Returns the actor's handle.
    pub fn open(
        self,
        event_loop: &EventLoop,
        options: &ActorOptions,
        actor: Box<dyn Actor>,
    ) -> std::io::Result<ActorHandle> {
        let spec = S::SPEC;
        if spec.protocol != S::PROTOCOL || spec.side != S::SIDE {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the side's spec names another protocol or side",
            ));
        }
        let nonce = self.nonce();
        // The I/O thread may queue arrivals before the link exists; it
        // finds the link here once it does (and the first pump below
        // takes what came before).
        let slot: Arc<OnceLock<Weak<Link>>> = Arc::new(OnceLock::new());
        let notify_slot = Arc::clone(&slot);
        // Counted from the first arrival, even one before the link exists.
        let arrivals = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&arrivals);
        let notify = Arc::new(move || {
            counted.fetch_add(1, Ordering::Relaxed);
            if let Some(link) = notify_slot.get().and_then(Weak::upgrade) {
                schedule_pump(&link);
            }
        });
        let bound: Bound<S> = self.bind_notifying(
            &options.process_kind,
            spec.peer_process,
            Some(notify),
            Some(event_loop.dispatch()?),
        )?;
        static NEXT_LINK: AtomicU64 = AtomicU64::new(1);
        let link = Arc::new(Link {
            id: NEXT_LINK.fetch_add(1, Ordering::Relaxed),
            outgoing: bound.outgoing().clone(),
            routes: Mutex::new(Routes::new(S::SIDE, spec, actor)),
            event_loop: event_loop.clone(),
            top: spec,
            side: S::SIDE,
            nonce,
            hook: options.on_bad_message.clone(),
            pump: Mutex::new(Some(Box::new(bound))),
            pump_queued: AtomicBool::new(false),
            arrivals,
            watches: Mutex::new(HashMap::new()),
        });
        set_host(nonce, S::SIDE, Some(event_loop.id()));
        let _ = slot.set(Arc::downgrade(&link));
        schedule_pump(&link);
        Ok(ActorHandle::new(link, 0, spec))
    }
}

/// Queues a pump job on the link's loop unless one is queued already.
pub(super) fn schedule_pump(link: &Arc<Link>) {
    if link.pump_queued.swap(true, Ordering::AcqRel) {
        return;
    }
    let pumped = Arc::clone(link);
    link.event_loop.post_arrivals(move || {
        pumped.pump_queued.store(false, Ordering::Release);
        super::inbound::pump(&pumped);
    });
}

impl Link {
    /// Takes the watches of managed endpoints whose actor is gone from
    /// `routes` (deleted before its endpoint was bound or dropped), for the
    /// caller to drop once it has released the table.
    pub(super) fn orphan_watches(&self, routes: &Routes) -> Vec<crate::channel::PortWatch> {
        let mut watches = lock(&self.watches);
        let orphans: Vec<u32> = watches
            .keys()
            .copied()
            .filter(|routing| !routes.entries.contains_key(routing))
            .collect();
        orphans
            .into_iter()
            .filter_map(|routing| watches.remove(&routing))
            .collect()
    }

    /// Marks the channel closing with `reason` (sends fail from now on),
    /// stops receiving, and queues the teardown of every actor behind
    /// what is already queued for them, so nothing received is lost.
    /// `first` says whether this was the first close.
    pub(super) fn close(self: &Arc<Link>, reason: DestroyReason, urgent: bool) -> bool {
        self.close_with(reason, urgent, || {})
    }

    /// As [`Link::close`], running `first` (a goodbye to send) once the
    /// close is ours and before anything else can close the channel.
    pub(super) fn close_with(
        self: &Arc<Link>,
        reason: DestroyReason,
        urgent: bool,
        first: impl FnOnce(),
    ) -> bool {
        {
            let mut routes = lock(&self.routes);
            if routes.closing.is_some() {
                return false;
            }
            routes.closing = Some(reason.clone());
            // Endpoints bound early whose announcement will never come now.
            routes.owed.clear();
            first();
        }
        let close_reason = match &reason {
            DestroyReason::AbnormalShutdown => CloseReason::PeerGone,
            DestroyReason::BadMessage(bad) => CloseReason::Failed(bad.to_string()),
            _ => CloseReason::Failed("the channel was closed".into()),
        };
        if let Some(mut pump) = lock(&self.pump).take() {
            pump.shut(close_reason);
        }
        // Unsettled managed endpoints end with the channel.
        lock(&self.watches).clear();
        // Our send right goes too, so the peer sees the channel gone even
        // while handles to our actors remain; our own close lets the
        // goodbye already queued go out first.
        self.outgoing.close(urgent);
        set_host(self.nonce, self.side, None);
        let link = Arc::clone(self);
        // Our own close drops what is queued; the peer's is delivered first.
        let priority = if urgent {
            Priority::Control
        } else {
            Priority::Low
        };
        self.event_loop.post(priority, None, move || {
            super::deliver::teardown(&link, reason)
        });
        true
    }
}
