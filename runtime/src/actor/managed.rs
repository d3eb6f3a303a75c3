//! Managed endpoints: one side of a new managed actor, opened on one side
//! of a channel and bound on the other, after travelling in messages
//! (through other channels and processes too, if the app likes).
//!
//! Opening allocates the actor's routing id, records our side of it, and
//! announces it to the peer at once (a `MANAGED` frame naming the manager,
//! the new id, the protocol and a secret), so the peer validates and
//! queues what we send the new actor before anyone there binds it. The
//! endpoint carries the channel's nonce, the manager and the id, and a
//! send right to a port of ours that the I/O thread watches:
//!
//! - binding it (on the peer's side of the same channel, under the
//!   manager's peer) sends the secret on that right, then drops it; the
//!   secret is not in the endpoint, so nobody it passed through can claim
//!   it bound, and any other message on the right is ignored;
//! - dropping it unbound, anywhere, drops the right alone: the watch sees
//!   the port's senders gone with no message first, and our side of the
//!   actor ends with [`DestroyReason::ManagedEndpointDropped`]; the peer is
//!   told to forget its queued side (`MANAGED | DELETE`, acknowledged).
//!
//! The kernel orders the message before the end on one port, so the two
//! cannot be confused. An endpoint bound before the announcement arrived
//! (it may overtake it through another channel) is recorded early and the
//! announcement checked against it; its right waits for the announcement's
//! secret.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::channel::{ChannelEvent, FrameFlags, FrameHeader, PortWatch};
use crate::endpoint::{ProtocolSide, check_side, protocol_identity, put_side, take_side};
use crate::right::SendRight;
use crate::wire::{DecodeError, Decoder, EncodeError, Encoder, MachMessage, Message};

use super::destroy::{BadMessage, DestroyReason};
use super::handle::{ActorHandle, ActorSendError};
use super::handler::Actor;
use super::link::{ActorSide, Link, lock};
use super::routes::{Routes, State};
use super::spec::SideSpec;
use super::{Priority, deliver, inbound};

/// One side of a new managed actor of protocol side `S`, to bind with
/// [`ManagedEndpoint::bind`] under the manager it was opened for.
/// Dropping it unbound ends the opener's side with
/// [`DestroyReason::ManagedEndpointDropped`].
pub struct ManagedEndpoint<S: ProtocolSide> {
    channel: u128,
    manager: u32,
    routing: u32,
    token: SendRight,
    side: PhantomData<fn() -> S>,
}

impl<S: ProtocolSide> fmt::Debug for ManagedEndpoint<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagedEndpoint")
            .field("protocol", &S::PROTOCOL)
            .field("side", &S::SIDE)
            .field("manager", &self.manager)
            .field("routing", &self.routing)
            .finish_non_exhaustive()
    }
}

/// Why a managed endpoint was not bound. The endpoint comes back: bind it
/// elsewhere, or drop it to tell its opener.
pub enum ManagedBindError<S: ProtocolSide> {
    /// The manager is on another channel than the endpoint's.
    WrongChannel(ManagedEndpoint<S>),
    /// The manager is not the actor the endpoint was opened under.
    WrongManager(ManagedEndpoint<S>),
    /// The manager, or the announced actor, is gone (deleted, or its
    /// channel closed).
    Gone(ManagedEndpoint<S>),
}

impl<S: ProtocolSide> fmt::Debug for ManagedBindError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, endpoint) = match self {
            ManagedBindError::WrongChannel(endpoint) => ("WrongChannel", endpoint),
            ManagedBindError::WrongManager(endpoint) => ("WrongManager", endpoint),
            ManagedBindError::Gone(endpoint) => ("Gone", endpoint),
        };
        f.debug_tuple(name).field(endpoint).finish()
    }
}

impl<S: ProtocolSide> fmt::Display for ManagedBindError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ManagedBindError::WrongChannel(_) => "the manager is on another channel",
            ManagedBindError::WrongManager(_) => "the endpoint belongs under another manager",
            ManagedBindError::Gone(_) => "the manager or the endpoint's actor is gone",
        })
    }
}

impl<S: ProtocolSide> std::error::Error for ManagedBindError<S> {}

impl<S: ProtocolSide> MachMessage for ManagedEndpoint<S> {
    const MIN_ENCODED_SIZE: usize = 8 + 1 + 16 + 4 + 4 + SendRight::MIN_ENCODED_SIZE;

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        put_side::<S>(encoder);
        encoder.put_bytes(&self.channel.to_le_bytes());
        encoder.put_bytes(&self.manager.to_le_bytes());
        encoder.put_bytes(&self.routing.to_le_bytes());
        self.token.encode(encoder)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let side = take_side(decoder)?;
        let channel = u128::decode(decoder)?;
        let manager = u32::decode(decoder)?;
        let routing = u32::decode(decoder)?;
        // Claimed before the header is judged, so a refused endpoint's
        // right is released here.
        let token = SendRight::decode(decoder)?;
        check_side::<S>(side, "managed ")?;
        Ok(ManagedEndpoint {
            channel,
            manager,
            routing,
            token,
            side: PhantomData,
        })
    }
}

impl ActorHandle {
    /// Opens a managed actor under this one: `actor` is our side of it
    /// (described by `ours`, which this actor's protocol must manage), and
    /// the returned endpoint is the peer's side, for the peer to bind.
    pub fn open_managed_endpoint<Theirs: ProtocolSide>(
        &self,
        ours: &'static SideSpec,
        actor: Box<dyn Actor>,
    ) -> Result<(ActorHandle, ManagedEndpoint<Theirs>), ActorSendError> {
        let link = self.link();
        let (watched, token) = crate::platform::port().map_err(ActorSendError::Kernel)?;
        let mut routes = lock(&link.routes);
        if let Some(refused) = self.refusal(&routes) {
            return Err(refused(Message::default()));
        }
        let Some(routing) = routes.allocate() else {
            return Err(ActorSendError::RoutingIdsExhausted(Message::default()));
        };
        // Told only to the peer, over the channel: the endpoint's holders
        // on the way (which hold its right too) cannot claim it bound.
        let secret = crate::endpoint::fresh_nonce();
        let watch = watch(link, routing, watched, secret).map_err(ActorSendError::Kernel)?;
        let mut bytes = routing.to_le_bytes().to_vec();
        bytes.extend_from_slice(&protocol_identity(ours.protocol).to_le_bytes());
        bytes.extend_from_slice(&secret.to_le_bytes());
        let header = FrameHeader {
            routing: self.routing_id(),
            message: 0,
            flags: FrameFlags::MANAGED,
            transaction: 0,
        };
        link.outgoing.send(
            header,
            Message {
                bytes,
                rights: Vec::new(),
            },
        )?;
        routes.insert(routing, self.routing_id(), ours, State::Live(actor));
        lock(&link.watches).insert(routing, watch);
        let endpoint = ManagedEndpoint {
            channel: link.nonce,
            manager: self.routing_id(),
            routing,
            token,
            side: PhantomData,
        };
        Ok((ActorHandle::new(Arc::clone(link), routing, ours), endpoint))
    }
}

/// Watches `watched` for the endpoint of actor `routing`: its events are
/// handled on the channel's event loop.
fn watch(
    link: &Arc<Link>,
    routing: u32,
    watched: crate::ReceiveRight,
    secret: u128,
) -> std::io::Result<PortWatch> {
    let weak = Arc::downgrade(link);
    // The binder's notice (the announcement's secret) or the end settles
    // the endpoint; whatever else a holder of the right sends is dropped
    // here, on the I/O thread.
    let settled = std::sync::atomic::AtomicBool::new(false);
    PortWatch::new(watched, move |event| {
        if let ChannelEvent::Message(received) = &event {
            let message = &received.message;
            if message.bytes != secret.to_le_bytes() || !message.rights.is_empty() {
                return;
            }
        }
        if settled.swap(true, std::sync::atomic::Ordering::AcqRel) {
            return;
        }
        let Some(link) = weak.upgrade() else {
            return;
        };
        let target = Arc::clone(&link);
        link.event_loop.post(Priority::Control, None, move || {
            watched_event(&target, routing, event);
        });
    })
}

/// The endpoint of our actor `routing` was bound (a message) or dropped
/// (the end, with no message before it).
fn watched_event(link: &Arc<Link>, routing: u32, event: ChannelEvent) {
    let Some(_watch) = lock(&link.watches).remove(&routing) else {
        // Already settled (bound), or the channel is closed.
        return;
    };
    if matches!(event, ChannelEvent::Message(_)) {
        return;
    }
    let ended = {
        let mut routes = lock(&link.routes);
        if routes.closing.is_some() || !routes.entries.contains_key(&routing) {
            return;
        }
        let header = FrameHeader {
            routing,
            message: 0,
            flags: FrameFlags::MANAGED | FrameFlags::DELETE,
            transaction: 0,
        };
        // A closed channel forgets the peer's side anyway.
        drop(link.outgoing.send_control(header));
        routes.remove_and_bury(
            routing,
            DestroyReason::ManagedEndpointDropped,
            DestroyReason::AncestorDeletion,
        )
    };
    deliver::destroy_all(ended);
}

impl<S: ActorSide> ManagedEndpoint<S> {
    /// Binds this endpoint with `actor` as our side of the managed actor,
    /// under `manager` (the peer of the actor it was opened under). What
    /// the opener sent it meanwhile is delivered first, in order.
    pub fn bind(
        self,
        manager: &ActorHandle,
        actor: Box<dyn Actor>,
    ) -> Result<ActorHandle, ManagedBindError<S>> {
        let link = manager.link();
        // Both ends of a channel may live in one process: the manager must
        // be on the binding side of the endpoint's channel.
        if link.nonce != self.channel || link.side != S::SIDE {
            return Err(ManagedBindError::WrongChannel(self));
        }
        if manager.routing_id() != self.manager {
            return Err(ManagedBindError::WrongManager(self));
        }
        let spec = S::SPEC;
        let ManagedEndpoint {
            channel,
            manager: manager_id,
            routing,
            token,
            side,
        } = self;
        let waiting = {
            let mut routes = lock(&link.routes);
            match bind_entry(&mut routes, manager_id, routing, spec, actor) {
                Some(Some(waiting)) => Some((waiting, routes.secrets.remove(&routing), token)),
                Some(None) => {
                    // Bound before the announcement: the opener is told
                    // once it brings the secret (see `announced`).
                    routes.owed.insert(routing, token);
                    None
                }
                None => {
                    drop(routes);
                    return Err(ManagedBindError::Gone(ManagedEndpoint {
                        channel,
                        manager: manager_id,
                        routing,
                        token,
                        side,
                    }));
                }
            }
        };
        if let Some((actor, secret, token)) = waiting {
            // What waited is delivered in order by the loop before anything
            // newer: until then the actor stays parked (`Running`), so
            // arrivals queue behind it.
            let target = Arc::clone(link);
            link.event_loop.post(Priority::Control, None, move || {
                deliver::put_back(&target, routing, actor);
            });
            if let Some(secret) = secret {
                tell_bound(token, secret);
            }
        }
        Ok(ActorHandle::new(Arc::clone(link), routing, spec))
    }
}

/// Tells the opener its endpoint was bound (if it is still there to
/// care): the secret its announcement carried, on the endpoint's right.
fn tell_bound(token: SendRight, secret: u128) {
    let bound = Message {
        bytes: secret.to_le_bytes().to_vec(),
        rights: Vec::new(),
    };
    drop(token.try_send(bound));
}

/// Binds `actor` as our side of actor `routing`. Announced already: the
/// entry is parked (`Running`, keeping what waits for it) and the actor
/// comes back, for the loop to put in place and deliver to in order. Not
/// announced yet: it is recorded early, live, and `Some(None)` comes back.
/// `None` when neither is possible (gone, or not ours to bind).
fn bind_entry(
    routes: &mut Routes,
    manager: u32,
    routing: u32,
    spec: &'static SideSpec,
    actor: Box<dyn Actor>,
) -> Option<Option<Box<dyn Actor>>> {
    if routes.closing.is_some() {
        return None;
    }
    match routes.entries.get_mut(&routing) {
        Some(entry)
            if matches!(entry.state, State::Unbound(_))
                && entry.manager == Some(manager)
                && same_side(entry.spec, spec) =>
        {
            let waiting = match std::mem::replace(&mut entry.state, State::Live(actor)) {
                State::Unbound(waiting) => waiting,
                _ => VecDeque::new(),
            };
            match std::mem::replace(&mut entry.state, State::Running(waiting)) {
                State::Live(actor) => Some(Some(actor)),
                _ => None,
            }
        }
        Some(_) => None,
        None => {
            let manages = routes.entries.get(&manager).is_some_and(|entry| {
                !entry.deleted_by_peer
                    && entry
                        .spec
                        .managed(protocol_identity(spec.protocol))
                        .is_some()
            });
            if !manages || !routes.peer_may_allocate(routing) {
                return None;
            }
            routes.insert_early(routing, manager, spec, actor);
            Some(None)
        }
    }
}

fn same_side(a: &SideSpec, b: &SideSpec) -> bool {
    a.protocol == b.protocol && a.side == b.side
}

/// The peer opened a managed endpoint under our actor `manager`: its side
/// of the new actor is recorded, to queue what the peer sends it until
/// someone here binds it.
pub(super) fn announced(
    routes: &mut Routes,
    manager: u32,
    body: Message,
) -> Result<(), BadMessage> {
    let malformed = BadMessage::WrongKind {
        message: "managed endpoint announcement",
    };
    if body.bytes.len() != 28 || !body.rights.is_empty() {
        return Err(malformed);
    }
    let mut word = [0u8; 4];
    word.copy_from_slice(&body.bytes[..4]);
    let routing = u32::from_le_bytes(word);
    let mut identity = [0u8; 8];
    identity.copy_from_slice(&body.bytes[4..12]);
    let identity = u64::from_le_bytes(identity);
    let mut secret = [0u8; 16];
    secret.copy_from_slice(&body.bytes[12..]);
    let secret = u128::from_le_bytes(secret);
    if routes.tombstone(routing).is_some() && routes.peer_may_allocate(routing) {
        // Bound here early and removed since: the announcement only
        // records the peer's allocation (its frames for it are dropped as
        // for any actor we removed), and the opener learns it was bound.
        routes.note_peer_allocation(routing);
        if let Some(token) = routes.owed.remove(&routing) {
            tell_bound(token, secret);
        }
        return Ok(());
    }
    let Some(entry) = routes.entries.get(&manager) else {
        if routes.tombstone(manager).is_some() {
            // We removed its manager meanwhile: it shares the removal.
            return match routes.bury_constructed(manager, routing) {
                true => Ok(()),
                false => Err(BadMessage::BadConstructor { routing }),
            };
        }
        return Err(match routes.ever_existed(manager) {
            true => BadMessage::AfterDelete { routing: manager },
            false => BadMessage::UnknownRouting { routing: manager },
        });
    };
    if entry.deleted_by_peer {
        return Err(BadMessage::AfterDelete { routing: manager });
    }
    let Some(spec) = entry.spec.managed(identity) else {
        return Err(BadMessage::NotManaged {
            protocol: entry.spec.protocol,
            identity,
        });
    };
    if !routes.peer_may_allocate(routing) {
        return Err(BadMessage::BadConstructor { routing });
    }
    if let Some(early) = routes.entries.get(&routing) {
        // Bound here before this announcement came: it must match.
        if early.manager == Some(manager)
            && same_side(early.spec, spec)
            && routes.announce_early(routing)
        {
            if let Some(token) = routes.owed.remove(&routing) {
                tell_bound(token, secret);
            }
            return Ok(());
        }
        return Err(BadMessage::BadConstructor { routing });
    }
    routes.insert(routing, manager, spec, State::Unbound(VecDeque::new()));
    routes.secrets.insert(routing, secret);
    Ok(())
}

/// The peer's managed endpoint for our queued side of actor `routing` was
/// dropped unbound: we forget it and acknowledge.
pub(super) fn dropped(
    link: &Arc<Link>,
    routes: &mut Routes,
    routing: u32,
) -> Result<(), BadMessage> {
    let peers = routing != 0 && routes.ever_existed(routing) && !routes.is_ours(routing);
    if !peers {
        return Err(BadMessage::UnknownRouting { routing });
    }
    match routes
        .entries
        .get(&routing)
        .map(|entry| matches!(entry.state, State::Unbound(_)))
    {
        // Bound here: its endpoint cannot have been dropped.
        Some(false) => return Err(BadMessage::AfterDelete { routing }),
        Some(true) => {
            let ended = routes.remove_subtree(
                routing,
                DestroyReason::ManagedEndpointDropped,
                DestroyReason::AncestorDeletion,
            );
            link.event_loop
                .post(Priority::Low, None, move || deliver::destroy_all(ended));
        }
        // Removed with its manager already.
        None => {}
    }
    inbound::acknowledge(link, routing);
    Ok(())
}
