//! Receiving, in arrival order: the event loop's pump job takes what the
//! I/O thread queued for a channel, validates each frame against the
//! addressed actor's side (routing id, message id and direction, how the
//! message travels, a constructor's new id), records constructors and
//! deletes in the routing table, and queues each valid message for
//! delivery at its priority. The first invalid frame closes the channel
//! with `BadMessage`, and the rights it carried are released.

use std::sync::Arc;

use crate::channel::{ChannelError, CloseReason, Frame, FrameFlags};
use crate::platform::Credentials;
use crate::wire::Message;

use super::destroy::{BadMessage, BadMessageReport, DestroyReason};
use super::link::{Link, lock};
use super::routes::{Delivery, State};
use super::spec::{MessageKind, MessageSpec};
use super::{Priority, Responder};

/// Drains the channel's arrivals.
pub(super) fn pump(link: &Arc<Link>) {
    loop {
        let next = {
            let mut pump = lock(&link.pump);
            let Some(pump) = pump.as_mut() else {
                return;
            };
            match pump.next() {
                Ok(Some(mut frame)) => {
                    let reply = pump
                        .reply_sink(&mut frame)
                        .map(|(transaction, sink)| Responder::new(transaction, sink));
                    Ok((frame, reply))
                }
                Ok(None) => continue,
                Err(error) => Err(error),
            }
        };
        match next {
            Ok((frame, reply)) => {
                let sender = frame.sender;
                if let Err(bad) = route(link, frame, reply) {
                    reject(link, bad, Some(sender));
                    return;
                }
            }
            Err(ChannelError::Timeout) => return,
            Err(ChannelError::Closed(reason)) => {
                let reason = match reason {
                    CloseReason::BadMessage(malformed) => {
                        return reject(link, BadMessage::Transport(malformed), None);
                    }
                    CloseReason::PeerGone => DestroyReason::AbnormalShutdown,
                    CloseReason::Failed(_) => DestroyReason::AbnormalShutdown,
                };
                link.close(reason, false);
                return;
            }
            Err(ChannelError::Bind(error)) => return reject(link, BadMessage::Bind(error), None),
            Err(ChannelError::Frame(error)) => return reject(link, BadMessage::Frame(error), None),
            Err(ChannelError::Hello(error)) => return reject(link, BadMessage::Hello(error), None),
            Err(ChannelError::Reply(error)) => return reject(link, BadMessage::Reply(error), None),
            Err(ChannelError::SyncWithoutReplyRight) => {
                return reject(link, BadMessage::SyncWithoutReplyRight, None);
            }
        }
    }
}

/// Closes the channel over a peer's bad message and tells the app.
pub(super) fn reject(link: &Arc<Link>, bad: BadMessage, sender: Option<Credentials>) {
    if !link.close(DestroyReason::BadMessage(bad.clone()), false) {
        return;
    }
    if let Some(hook) = &link.hook {
        hook(&BadMessageReport {
            protocol: link.top.protocol,
            reason: bad,
            sender,
        });
    }
}

/// Validates one frame and queues it for delivery.
fn route(link: &Arc<Link>, frame: Frame, reply: Option<Responder<()>>) -> Result<(), BadMessage> {
    let Frame {
        header,
        body,
        rights,
        sender,
        ..
    } = frame;
    let body = Message {
        bytes: body,
        rights,
    };
    if header.flags.contains(FrameFlags::GOODBYE) {
        link.close(DestroyReason::NormalShutdown, false);
        return Ok(());
    }
    let routing = header.routing;
    let mut routes = lock(&link.routes);
    if routes.closing.is_some() {
        // Our side is closing: what still arrives is dropped.
        return Ok(());
    }
    if header.flags == FrameFlags::ACK {
        // The peer has seen a removal of ours: frames for those actors
        // can no longer be in flight.
        return if routes.acknowledge(routing) {
            Ok(())
        } else {
            Err(BadMessage::UnknownRouting { routing })
        };
    }
    if header.flags == FrameFlags::CONSTRUCTOR | FrameFlags::DELETE {
        // The peer refused a constructor of ours.
        if routing == 0 || routing % 2 != our_parity(link) || !routes.ever_existed(routing) {
            return Err(BadMessage::UnknownRouting { routing });
        }
        acknowledge(link, routing);
        let ended = routes.remove_subtree(
            routing,
            DestroyReason::FailedConstructor,
            DestroyReason::AncestorDeletion,
        );
        drop(routes);
        link.event_loop.post(Priority::Low, None, move || {
            super::deliver::destroy_all(ended);
        });
        return Ok(());
    }
    if header.flags.contains(FrameFlags::MANAGED) {
        if header.message != 0 || header.transaction != 0 || reply.is_some() {
            return Err(BadMessage::WrongKind {
                message: "managed endpoint control frame",
            });
        }
        if header.flags == FrameFlags::MANAGED {
            return super::managed::announced(&mut routes, routing, body);
        }
        if header.flags == FrameFlags::MANAGED | FrameFlags::DELETE {
            return super::managed::dropped(link, &mut routes, routing);
        }
    }
    let Some(entry) = routes.entries.get_mut(&routing) else {
        if routes.tombstone(routing).is_some() {
            // Sent before the peer learnt we removed this actor: dropped
            // with its rights; a removal of its own is acknowledged, and a
            // constructor's new actor shares the removal.
            let mut body = body;
            if header.flags == FrameFlags::DELETE {
                acknowledge(link, routing);
            } else if header.flags == FrameFlags::CONSTRUCTOR {
                let new = take_new_routing(&mut body).unwrap_or(0);
                if !routes.bury_constructed(routing, new) {
                    return Err(BadMessage::BadConstructor { routing: new });
                }
            }
            return Ok(());
        }
        if routes.ever_existed(routing) {
            return Err(BadMessage::AfterDelete { routing });
        }
        return Err(BadMessage::UnknownRouting { routing });
    };
    if entry.deleted_by_peer {
        return Err(BadMessage::AfterDelete {
            routing: header.routing,
        });
    }
    let spec = match entry.spec.receiving(header.message) {
        Some(spec) => spec,
        None if entry.spec.sends.contains(&header.message) => {
            return Err(BadMessage::WrongDirection {
                protocol: entry.spec.protocol,
                message: header.message,
            });
        }
        None => {
            return Err(BadMessage::UnknownMessage {
                protocol: entry.spec.protocol,
                message: header.message,
            });
        }
    };
    check_kind(spec, header.flags, header.transaction, reply.is_some())?;
    let mut delivery = Delivery {
        routing: header.routing,
        spec,
        body,
        sender,
        reply,
        constructs: None,
    };
    match spec.kind {
        MessageKind::Constructor(new_spec) => {
            let Some(routing) = take_new_routing(&mut delivery.body) else {
                return Err(BadMessage::WrongKind { message: spec.name });
            };
            // An id bound early from a managed endpoint is taken.
            if !routes.peer_may_allocate(routing) || routes.entries.contains_key(&routing) {
                return Err(BadMessage::BadConstructor { routing });
            }
            routes.insert(
                routing,
                header.routing,
                new_spec,
                State::Announced(Default::default()),
            );
            delivery.constructs = Some(routing);
        }
        MessageKind::Delete if routes.is_unbound(routing) => {
            // Nobody here bound it: there is no handler to tell, so it goes
            // now, with what waited for it; a later bind finds it gone.
            let ended = routes.remove_subtree(
                routing,
                DestroyReason::Deletion,
                DestroyReason::AncestorDeletion,
            );
            acknowledge(link, routing);
            drop(routes);
            super::deliver::destroy_all(ended);
            return Ok(());
        }
        MessageKind::Delete => {
            // Nothing more of ours may go to it or under it once the peer
            // has our acknowledgement.
            routes.mark_deleted_by_peer(routing);
            acknowledge(link, routing);
        }
        _ => {}
    }
    drop(routes);
    queue(link, delivery);
    Ok(())
}

/// Queues a valid message at its priority. A delete waits behind every
/// message queued before it, so none of them meets a destroyed actor.
fn queue(link: &Arc<Link>, delivery: Delivery) {
    let spec = delivery.spec;
    let priority = match spec.kind {
        MessageKind::Delete => Priority::Low,
        _ => spec.priority,
    };
    let compress = (spec.compress && matches!(spec.kind, MessageKind::Async))
        .then(|| ((link.id << 32) | u64::from(delivery.routing), spec.id));
    let target = Arc::clone(link);
    link.event_loop.post(priority, compress, move || {
        super::deliver::deliver(&target, delivery);
    });
}

/// Tells the peer we have seen its removal of actor `routing`.
pub(super) fn acknowledge(link: &Link, routing: u32) {
    let ack = crate::channel::FrameHeader {
        routing,
        message: 0,
        flags: FrameFlags::ACK,
        transaction: 0,
    };
    // A closed channel needs no acknowledgement.
    drop(link.outgoing.send_control(ack));
}

fn our_parity(link: &Link) -> u32 {
    match link.side {
        crate::Side::Parent => 1,
        crate::Side::Child => 0,
    }
}

/// Whether the frame travels the way the message is declared to.
fn check_kind(
    spec: &'static MessageSpec,
    flags: FrameFlags,
    transaction: u64,
    has_reply: bool,
) -> Result<(), BadMessage> {
    let plain = flags == FrameFlags::default();
    let fits = match spec.kind {
        MessageKind::Async => plain && transaction == 0,
        MessageKind::Call => plain && transaction != 0 && has_reply,
        MessageKind::Sync => flags == FrameFlags::SYNC && has_reply,
        MessageKind::Constructor(_) => flags == FrameFlags::CONSTRUCTOR && transaction == 0,
        MessageKind::Delete => flags == FrameFlags::DELETE && transaction == 0,
    };
    if fits {
        Ok(())
    } else {
        Err(BadMessage::WrongKind { message: spec.name })
    }
}

/// Takes a constructor's new routing id off the front of its body.
fn take_new_routing(body: &mut Message) -> Option<u32> {
    let prefix: [u8; 4] = body.bytes.get(..4)?.try_into().ok()?;
    body.bytes.drain(..4);
    Some(u32::from_le_bytes(prefix))
}
