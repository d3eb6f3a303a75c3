//! Delivery, on the event loop: a queued message reaches its actor's
//! handler; a constructor's new actor joins the table and receives what
//! came for it meanwhile; a delete tears the subtree down; and when the
//! channel closes every actor is destroyed, children first.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::channel::{FrameFlags, FrameHeader};

use super::destroy::DestroyReason;
use super::handle::ActorHandle;
use super::handler::{Actor, Handled, Incoming};
use super::link::{Link, lock};
use super::routes::{Delivery, Ended, State};
use super::spec::MessageKind;

/// Messages that may wait for a managed endpoint nobody has bound yet;
/// more is a violation (the peer would otherwise make us hold any amount).
pub const UNBOUND_LIMIT: usize = crate::channel::INBOX_LIMIT;

/// Hands one validated message to its actor.
pub(super) fn deliver(link: &Arc<Link>, delivery: Delivery) {
    let (mut actor, spec, new_spec) = {
        let mut routes = lock(&link.routes);
        if let Some(routing) = delivery.constructs {
            match routes.entries.get(&routing) {
                Some(entry) if matches!(entry.state, State::Announced(_)) => {}
                // Its manager went first: nothing to construct.
                _ => {
                    routes.ended_while_running.remove(&routing);
                    return;
                }
            }
        }
        let Some(entry) = routes.entries.get_mut(&delivery.routing) else {
            // The actor is gone; the message is dropped with its rights.
            return;
        };
        let actor = match &mut entry.state {
            State::Unbound(waiting) if waiting.len() >= UNBOUND_LIMIT => {
                drop(routes);
                let bad = super::destroy::BadMessage::UnboundOverflow {
                    routing: delivery.routing,
                };
                super::inbound::reject(link, bad, Some(delivery.sender));
                return;
            }
            State::Announced(waiting) | State::Running(waiting) | State::Unbound(waiting) => {
                waiting.push_back(delivery);
                return;
            }
            State::Live(_) => {
                let State::Live(actor) =
                    std::mem::replace(&mut entry.state, State::Running(VecDeque::new()))
                else {
                    return;
                };
                actor
            }
        };
        let new_spec = delivery
            .constructs
            .and_then(|routing| routes.entries.get(&routing))
            .map(|entry| entry.spec);
        let spec = routes
            .entries
            .get(&delivery.routing)
            .map(|entry| entry.spec);
        (actor, spec, new_spec)
    };
    let Some(spec) = spec else {
        return;
    };
    let Delivery {
        routing,
        spec: message,
        body,
        sender,
        reply,
        constructs,
    } = delivery;
    let incoming = Incoming {
        spec: message,
        body: Some(body),
        sender,
        actor: ActorHandle::new(Arc::clone(link), routing, spec),
        new_actor: constructs
            .zip(new_spec)
            .map(|(new, new_spec)| ActorHandle::new(Arc::clone(link), new, new_spec)),
        reply,
    };
    // A panicking handler must not take the loop (and every other channel
    // on it) down: its channel is closed instead.
    let outcome = match catch_unwind(AssertUnwindSafe(|| actor.receive(incoming))) {
        Ok(outcome) => outcome,
        Err(_) => {
            link.close(DestroyReason::HandlerPanicked, true);
            // Back in the table for the teardown, without delivering what
            // waited for it meanwhile.
            let mut routes = lock(&link.routes);
            if let Some(new_routing) = constructs {
                routes.ended_while_running.remove(&new_routing);
            }
            match routes.entries.get_mut(&routing) {
                Some(entry) => entry.state = State::Live(actor),
                None => {
                    // Removed while its handler ran: it learns why now.
                    let reason = routes.ended_while_running.remove(&routing);
                    drop(routes);
                    destroy_one(actor, reason.unwrap_or(DestroyReason::HandlerPanicked));
                }
            }
            return;
        }
    };
    match (outcome, &message.kind, constructs) {
        (Err(bad), _, _) => {
            put_back(link, routing, actor);
            // A body the glue refused closes the channel like any bad frame.
            super::inbound::reject(link, bad, Some(sender));
        }
        (Ok(Handled::Constructed(new)), MessageKind::Constructor(_), Some(new_routing)) => {
            put_back(link, routing, actor);
            put_back(link, new_routing, new);
        }
        (Ok(_), MessageKind::Constructor(_), Some(new_routing)) => {
            put_back(link, routing, actor);
            refuse_constructor(link, new_routing);
        }
        (Ok(_), MessageKind::Delete, _) => {
            let (ended, orphans) = {
                let mut routes = lock(&link.routes);
                let ended = routes.remove_subtree(
                    routing,
                    DestroyReason::Deletion,
                    DestroyReason::AncestorDeletion,
                );
                (ended, link.orphan_watches(&routes))
            };
            drop(orphans);
            destroy_all(ended);
            // Its own handler was running, so it is recorded as such.
            let reason = lock(&link.routes).ended_while_running.remove(&routing);
            destroy_one(actor, reason.unwrap_or(DestroyReason::Deletion));
        }
        (Ok(_), _, _) => put_back(link, routing, actor),
    }
}

/// Returns an actor whose handler ran (or that was just constructed) to
/// the table, then delivers what came for it meanwhile; if it was
/// destroyed meanwhile, it learns why now.
pub(super) fn put_back(link: &Arc<Link>, routing: u32, actor: Box<dyn Actor>) {
    let waiting = {
        let mut routes = lock(&link.routes);
        match routes.entries.get_mut(&routing) {
            Some(entry) => match std::mem::replace(&mut entry.state, State::Live(actor)) {
                State::Announced(waiting) | State::Running(waiting) | State::Unbound(waiting) => {
                    waiting
                }
                State::Live(_) => VecDeque::new(),
            },
            None => {
                let reason = routes.ended_while_running.remove(&routing);
                drop(routes);
                destroy_one(actor, reason.unwrap_or(DestroyReason::AncestorDeletion));
                return;
            }
        }
    };
    for delivery in waiting {
        deliver(link, delivery);
    }
}

/// Our app refused a constructor: the peer's actor ends with
/// `FailedConstructor`; what came for ours is dropped.
fn refuse_constructor(link: &Arc<Link>, routing: u32) {
    let ended = {
        let mut routes = lock(&link.routes);
        let ended = routes.remove_and_bury(
            routing,
            DestroyReason::FailedConstructor,
            DestroyReason::AncestorDeletion,
        );
        routes.ended_while_running.remove(&routing);
        ended
    };
    destroy_all(ended);
    let header = FrameHeader {
        routing,
        message: 0,
        flags: FrameFlags::CONSTRUCTOR | FrameFlags::DELETE,
        transaction: 0,
    };
    // A closed channel destroys the peer's actor anyway.
    drop(link.outgoing.send_control(header));
}

/// Calls `destroyed` on each ended actor, in order.
pub(super) fn destroy_all(ended: Vec<Ended>) {
    for Ended { actor, reason } in ended {
        if let Some(actor) = actor {
            destroy_one(actor, reason);
        }
    }
}

/// Calls one actor's `destroyed`; a panic there is contained, so the
/// others still learn their end.
fn destroy_one(mut actor: Box<dyn Actor>, reason: DestroyReason) {
    let _ = catch_unwind(AssertUnwindSafe(move || actor.destroyed(reason)));
}

/// Destroys every actor of a closed channel with `reason`.
pub(super) fn teardown(link: &Arc<Link>, reason: DestroyReason) {
    let ended = lock(&link.routes).remove_subtree(0, reason.clone(), reason);
    destroy_all(ended);
}
