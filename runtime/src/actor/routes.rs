//! The routing table of one channel: every actor on our side of it, its
//! manager and managees, and its state. Routing id 0 is the channel's
//! top-level actor; the parent side allocates odd ids for the actors it
//! constructs and the child side even ones, each strictly increasing, so
//! an id is never reused and a frame for a deleted actor is recognised
//! (and dropped) rather than mistaken for a forgery.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::endpoint::Side;
use crate::platform::Credentials;
use crate::wire::Message;

use super::Responder;
use super::destroy::DestroyReason;
use super::handler::Actor;
use super::spec::{MessageSpec, SideSpec};

/// A validated message waiting to be handled.
pub(super) struct Delivery {
    pub(super) routing: u32,
    pub(super) spec: &'static MessageSpec,
    pub(super) body: Message,
    pub(super) sender: Credentials,
    pub(super) reply: Option<Responder<()>>,
    /// For a constructor: the routing id of the new actor.
    pub(super) constructs: Option<u32>,
}

pub(super) enum State {
    /// Its constructor arrived and waits to be handled; messages that
    /// came for it since wait here, in order.
    Announced(VecDeque<Delivery>),
    /// Ready for messages.
    Live(Box<dyn Actor>),
    /// Its handler is running (the actor is out of the table meanwhile);
    /// messages that came for it since wait here, in order.
    Running(VecDeque<Delivery>),
    /// The peer opened a managed endpoint for it, which nobody here has
    /// bound yet; messages that came for it wait here, in order.
    Unbound(VecDeque<Delivery>),
}

pub(super) struct Entry {
    pub(super) spec: &'static SideSpec,
    pub(super) manager: Option<u32>,
    pub(super) children: Vec<u32>,
    pub(super) state: State,
    /// The peer sent `delete` for it: anything more from the peer for it
    /// is a violation.
    pub(super) deleted_by_peer: bool,
}

/// An actor taken out of the table, for its `destroyed` call.
pub(super) struct Ended {
    pub(super) actor: Option<Box<dyn Actor>>,
    pub(super) reason: DestroyReason,
}

pub(super) struct Routes {
    pub(super) entries: HashMap<u32, Entry>,
    /// The next routing id we allocate.
    next_local: u32,
    /// The last routing id the peer allocated (0 before any).
    last_peer: u32,
    /// Set when the channel is closing: sends fail from then on.
    pub(super) closing: Option<DestroyReason>,
    /// Actors removed while their handler ran (or while being
    /// constructed): their reason, for when the handler returns.
    pub(super) ended_while_running: HashMap<u32, DestroyReason>,
    /// Actors we removed (deleted, or refused to construct) whose removal
    /// the peer has not acknowledged yet, each with the root of its
    /// removal: the peer's frames for them, sent before it knew, are
    /// dropped rather than treated as violations.
    tombstones: HashMap<u32, u32>,
    /// The members of each removal awaiting acknowledgement, by root.
    removals: HashMap<u32, Vec<u32>>,
    /// Actors bound from a managed endpoint before the peer's
    /// announcement of them arrived.
    early: HashSet<u32>,
    /// For each actor the peer announced and nobody here has bound yet,
    /// the secret that proves to the opener that it was bound here.
    pub(super) secrets: HashMap<u32, u128>,
    /// Endpoints bound early: their right, to tell the opener once the
    /// announcement brings the secret.
    pub(super) owed: HashMap<u32, crate::right::SendRight>,
}

impl Routes {
    /// A table with `top` (routing id 0) on side `side`.
    pub(super) fn new(side: Side, top_spec: &'static SideSpec, top: Box<dyn Actor>) -> Routes {
        let mut entries = HashMap::new();
        entries.insert(
            0,
            Entry {
                spec: top_spec,
                manager: None,
                children: Vec::new(),
                state: State::Live(top),
                deleted_by_peer: false,
            },
        );
        Routes {
            entries,
            next_local: if side == Side::Parent { 1 } else { 2 },
            last_peer: 0,
            closing: None,
            ended_while_running: HashMap::new(),
            tombstones: HashMap::new(),
            removals: HashMap::new(),
            early: HashSet::new(),
            secrets: HashMap::new(),
            owed: HashMap::new(),
        }
    }

    /// Marks the actor at `root` and everything under it as deleted by
    /// the peer: our sends to them fail from now on.
    pub(super) fn mark_deleted_by_peer(&mut self, root: u32) {
        let mut stack = vec![root];
        while let Some(routing) = stack.pop() {
            if let Some(entry) = self.entries.get_mut(&routing) {
                entry.deleted_by_peer = true;
                stack.extend(entry.children.iter().copied());
            }
        }
    }

    /// Remembers `members` (the subtree removed at `root`) until the peer
    /// acknowledges the removal.
    pub(super) fn bury(&mut self, root: u32, members: impl IntoIterator<Item = u32>) {
        let group = self.removals.entry(root).or_default();
        for member in members {
            self.tombstones.insert(member, root);
            group.push(member);
        }
    }

    /// The root of the unacknowledged removal `routing` belongs to.
    pub(super) fn tombstone(&self, routing: u32) -> Option<u32> {
        self.tombstones.get(&routing).copied()
    }

    /// The peer acknowledged the removal at `root`; false if none was
    /// awaiting acknowledgement.
    pub(super) fn acknowledge(&mut self, root: u32) -> bool {
        let Some(members) = self.removals.remove(&root) else {
            return false;
        };
        for member in members {
            self.tombstones.remove(&member);
        }
        true
    }

    /// Records a peer constructor addressed to a removed manager: its new
    /// actor is removed with it. False if the peer may not allocate it.
    pub(super) fn bury_constructed(&mut self, manager: u32, routing: u32) -> bool {
        if !self.peer_may_allocate(routing) {
            return false;
        }
        self.last_peer = routing;
        if let Some(root) = self.tombstone(manager) {
            self.bury(root, [routing]);
        }
        true
    }

    pub(super) fn is_ours(&self, routing: u32) -> bool {
        routing % 2 == self.next_local % 2
    }

    /// Whether `routing` names an actor that existed once (and may since
    /// have been deleted).
    pub(super) fn ever_existed(&self, routing: u32) -> bool {
        routing == 0
            || (self.is_ours(routing) && routing < self.next_local)
            || (!self.is_ours(routing) && routing <= self.last_peer)
    }

    /// A fresh id for an actor we construct, or `None` once exhausted.
    pub(super) fn allocate(&mut self) -> Option<u32> {
        let routing = self.next_local;
        self.next_local = routing.checked_add(2)?;
        Some(routing)
    }

    /// Whether the peer may allocate `routing` now: its parity, above its
    /// previous one.
    pub(super) fn peer_may_allocate(&self, routing: u32) -> bool {
        routing != 0 && !self.is_ours(routing) && routing > self.last_peer
    }

    /// Whether `routing` is the peer's managed endpoint not yet bound here.
    pub(super) fn is_unbound(&self, routing: u32) -> bool {
        self.entries
            .get(&routing)
            .is_some_and(|entry| matches!(entry.state, State::Unbound(_)))
    }

    /// Records that the peer allocated `routing` (an announcement for an
    /// actor we already removed).
    pub(super) fn note_peer_allocation(&mut self, routing: u32) {
        self.last_peer = self.last_peer.max(routing);
    }

    /// Records an actor bound (by a managed endpoint) before the peer's
    /// announcement of it arrived: the peer's allocation order is checked
    /// when the announcement comes.
    pub(super) fn insert_early(
        &mut self,
        routing: u32,
        manager: u32,
        spec: &'static SideSpec,
        actor: Box<dyn Actor>,
    ) {
        self.attach(routing, manager, spec, State::Live(actor));
        self.early.insert(routing);
    }

    /// The peer announced `routing`, which we bound early: its allocation
    /// is recorded now. False if it was not bound early.
    pub(super) fn announce_early(&mut self, routing: u32) -> bool {
        if !self.early.remove(&routing) {
            return false;
        }
        self.last_peer = self.last_peer.max(routing);
        true
    }

    /// Records an actor under `manager` (which must exist).
    pub(super) fn insert(
        &mut self,
        routing: u32,
        manager: u32,
        spec: &'static SideSpec,
        state: State,
    ) {
        if !self.is_ours(routing) {
            self.last_peer = self.last_peer.max(routing);
        }
        self.attach(routing, manager, spec, state);
    }

    /// Adds `routing` to the table as a child of `manager`.
    fn attach(&mut self, routing: u32, manager: u32, spec: &'static SideSpec, state: State) {
        if let Some(manager) = self.entries.get_mut(&manager) {
            manager.children.push(routing);
        }
        self.entries.insert(
            routing,
            Entry {
                spec,
                manager: Some(manager),
                children: Vec::new(),
                state,
                deleted_by_peer: false,
            },
        );
    }

    /// Takes `root` and everything under it out of the table, children
    /// before their manager: `root` ends with `reason`, the rest with
    /// `below`. Actors whose handler is running are recorded in
    /// `ended_while_running` instead; messages waiting for any of them are
    /// dropped (their rights released, their calls rejected).
    pub(super) fn remove_subtree(
        &mut self,
        root: u32,
        reason: DestroyReason,
        below: DestroyReason,
    ) -> Vec<Ended> {
        self.remove_subtree_with(root, reason, below, |_| {})
    }

    /// Removes the subtree at `root` as ours to remove (a delete of ours,
    /// or a refused constructor): its ids stay tombstoned until the peer
    /// acknowledges.
    pub(super) fn remove_and_bury(
        &mut self,
        root: u32,
        reason: DestroyReason,
        below: DestroyReason,
    ) -> Vec<Ended> {
        let mut removed = Vec::new();
        let ended = self.remove_subtree_with(root, reason, below, |id| removed.push(id));
        self.bury(root, removed);
        ended
    }

    /// As [`Routes::remove_subtree`], telling `removed` each id taken out.
    pub(super) fn remove_subtree_with(
        &mut self,
        root: u32,
        reason: DestroyReason,
        below: DestroyReason,
        mut removed: impl FnMut(u32),
    ) -> Vec<Ended> {
        let mut ended = Vec::new();
        if let Some(manager) = self.entries.get(&root).and_then(|entry| entry.manager) {
            if let Some(manager) = self.entries.get_mut(&manager) {
                manager.children.retain(|child| *child != root);
            }
        }
        // Iterative post-order walk: deep trees cannot overflow the stack.
        let mut stack = vec![(root, false)];
        while let Some((routing, expanded)) = stack.pop() {
            if !expanded {
                stack.push((routing, true));
                if let Some(entry) = self.entries.get(&routing) {
                    // Reversed, so children end in the order they began.
                    for child in entry.children.iter().rev() {
                        stack.push((*child, false));
                    }
                }
                continue;
            }
            let Some(entry) = self.entries.remove(&routing) else {
                continue;
            };
            self.early.remove(&routing);
            self.secrets.remove(&routing);
            removed(routing);
            let reason = if routing == root {
                reason.clone()
            } else {
                below.clone()
            };
            match entry.state {
                State::Live(actor) => ended.push(Ended {
                    actor: Some(actor),
                    reason,
                }),
                State::Running(_) | State::Announced(_) => {
                    self.ended_while_running.insert(routing, reason);
                }
                // No actor yet: its endpoint's bind will find it gone.
                State::Unbound(_) => {}
            }
        }
        ended
    }
}
