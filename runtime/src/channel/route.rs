//! Reply routes: sync calls answered on a reply port the caller keeps,
//! rather than one made for every call.
//!
//! A fresh reply port per call is the simple design (its one send-once
//! right is the only way in), but on Linux it costs a socket pair, a
//! descriptor passed with the call, and two closes: more than the round
//! trip itself. So a channel's caller keeps up to [`ROUTE_LIMIT`] reply
//! ports ("routes"). The first call on a route hands the callee the
//! route's send right (`SYNC | ROUTE | NEW_ROUTE`, the right last); later
//! calls name the route by id (`SYNC | ROUTE`, the id as the body's last 4
//! bytes). The callee keeps the routes in a [`RouteTable`] for the life of
//! the channel and answers each call on its route.
//!
//! Why a reused port stays safe:
//! - one call at a time per route: a route is back in the pool only once
//!   its call's answer was taken, so no late answer can meet a later call;
//! - a call that timed out or failed throws its route away and tells the
//!   callee (`ROUTE | GOODBYE`, body the id), in channel order, so the
//!   callee never holds more routes than the caller has open;
//! - the callee's table is dropped with its channel, so a caller waiting
//!   on a route learns that the peer is gone (`NoReply`), as with a
//!   released send-once right;
//! - a callee that drops a call unanswered answers `ResponderDropped`
//!   through its responder, as for async calls.
//!
//! A caller with every route busy falls back to a one-shot reply port.
//!
//! Callers use routes on the Linux backend only: on Mach a fresh reply
//! port is cheap and a send-once right is the kernel's own guarantee of
//! one answer, so calls keep it there. Both backends accept routes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::dispatch::lock;
use super::frame::{FrameFlags, FrameHeader, RouteError};
use super::io::ChannelSender;
use crate::platform;
use crate::right::{ReceiveRight, Right, SendRight};

/// Reply routes a caller keeps open on one channel, and the most a callee
/// accepts. Each is a port (two descriptors on Linux) on each side.
pub const ROUTE_LIMIT: usize = 8;

/// One of the caller's reply ports, with the id the callee knows it by.
#[derive(Debug)]
pub(super) struct Route {
    pub(super) id: u32,
    pub(super) port: ReceiveRight,
}

/// The caller's reply routes on one channel: idle ones to reuse, and how
/// many are open in all.
#[derive(Debug, Default)]
pub(super) struct ReplyRoutes {
    pool: Mutex<Pool>,
}

#[derive(Debug, Default)]
struct Pool {
    idle: Vec<Route>,
    /// Routes open: idle, or carrying a call.
    open: usize,
    /// The id of the next new route; ids are never reused.
    next: u32,
}

impl ReplyRoutes {
    /// A route for one call: an idle one, or a new one with the send right
    /// the call must hand over. `None` when every route is busy.
    pub(super) fn take(&self) -> std::io::Result<Option<(Route, Option<SendRight>)>> {
        let mut pool = lock(&self.pool);
        if let Some(route) = pool.idle.pop() {
            return Ok(Some((route, None)));
        }
        if pool.open >= ROUTE_LIMIT {
            return Ok(None);
        }
        let (port, send) = platform::port()?;
        let id = pool.next;
        pool.next = pool.next.wrapping_add(1);
        pool.open += 1;
        Ok(Some((Route { id, port }, Some(send))))
    }

    /// Puts back a route whose call was answered.
    pub(super) fn give_back(&self, route: Route) {
        lock(&self.pool).idle.push(route);
    }

    /// Releases the idle routes (the channel is closing). Busy ones go
    /// when their call ends.
    pub(super) fn forget_idle(&self) {
        let mut pool = lock(&self.pool);
        let idle = std::mem::take(&mut pool.idle);
        pool.open -= idle.len();
        drop(pool);
        drop(idle);
    }

    /// Forgets a new route whose call was never sent: the callee never
    /// heard of it.
    pub(super) fn unsent(&self, route: Route) {
        let mut pool = lock(&self.pool);
        pool.open -= 1;
        drop(route);
    }

    /// Throws away a route whose call gave no answer (a late one may still
    /// come) and tells the callee, before any later new route can reach it.
    pub(super) fn discard(&self, route: Route, sender: &ChannelSender) {
        let mut pool = lock(&self.pool);
        let header = FrameHeader {
            routing: 0,
            message: 0,
            flags: FrameFlags::ROUTE | FrameFlags::GOODBYE,
            transaction: 0,
        };
        let id = crate::wire::Message {
            bytes: route.id.to_le_bytes().to_vec(),
            rights: Vec::new(),
        };
        // On a closed channel the callee's table is gone anyway.
        drop(sender.send_reply(super::bind::framed(header, id)));
        pool.open -= 1;
        drop(route);
    }
}

/// The callee's side: the routes a caller opened on this channel.
#[derive(Debug, Default)]
pub(super) struct RouteTable {
    routes: HashMap<u32, Arc<SendRight>>,
}

/// Where a received sync call's answer goes: the send-once right it
/// carried, or the caller's reply route. Dropped unanswered it tells the
/// caller so (`NoReply`), as a released send-once right does.
#[derive(Debug)]
pub struct ReplyTo(pub(super) Option<ReplyPath>);

#[derive(Debug)]
pub(super) enum ReplyPath {
    Once(crate::right::SendOnceRight),
    Route(Arc<SendRight>),
}

/// Status byte on a route: the call was released unanswered (a send-once
/// right says so by going away; a route stays, so it says it in words).
pub(super) const RELEASED_UNANSWERED: u8 = 0xff;

impl ReplyTo {
    /// Sends the answer `body`. A caller that stopped waiting has released
    /// its reply port; the body's rights are released with the refused
    /// message. A route carries one call at a time, so its queue has room.
    pub(super) fn answer(mut self, body: crate::wire::Message) {
        match self.0.take() {
            Some(ReplyPath::Once(reply_to)) => drop(reply_to.send(body)),
            // An answer the route refused (too many rights, a kernel error)
            // must not leave the caller waiting for its timeout.
            Some(ReplyPath::Route(route)) if route.try_send(body).is_err() => {
                drop(route.try_send(released_unanswered()));
            }
            Some(ReplyPath::Route(_)) | None => {}
        }
    }
}

impl Drop for ReplyTo {
    fn drop(&mut self) {
        if let Some(ReplyPath::Route(route)) = self.0.take() {
            drop(route.try_send(released_unanswered()));
        }
    }
}

fn released_unanswered() -> crate::wire::Message {
    crate::wire::Message {
        bytes: vec![RELEASED_UNANSWERED],
        rights: Vec::new(),
    }
}

/// What a route frame asks of the callee.
#[derive(Debug)]
pub(super) enum Routed {
    /// A sync call, to be answered on this route.
    Call(Arc<SendRight>),
    /// The caller closed a route; nothing for the owner.
    Closed,
}

impl RouteTable {
    /// Reads a frame with [`FrameFlags::ROUTE`]: takes the route id off
    /// `body` (and a new route's right off `rights`) and leaves `header`
    /// as a plain sync call's.
    pub(super) fn accept(
        &mut self,
        header: &mut FrameHeader,
        body: &mut Vec<u8>,
        rights: &mut Vec<Right>,
    ) -> Result<Routed, RouteError> {
        let flags = header.flags;
        let close = FrameFlags::ROUTE | FrameFlags::GOODBYE;
        let call = FrameFlags::ROUTE | FrameFlags::SYNC;
        let open = call | FrameFlags::NEW_ROUTE;
        if flags != close && flags != call && flags != open {
            return Err(RouteError::BadFlags(flags.0));
        }
        let id = take_id(body)?;
        if flags == close {
            if !body.is_empty() || !rights.is_empty() {
                return Err(RouteError::BadFlags(flags.0));
            }
            // A route may already be gone with its last answer: no error.
            self.routes.remove(&id);
            return Ok(Routed::Closed);
        }
        if flags == open {
            let Some(Right::Send(send)) = rights.pop() else {
                return Err(RouteError::NoSendRight);
            };
            if self.routes.contains_key(&id) {
                return Err(RouteError::ReusedRoute(id));
            }
            if self.routes.len() >= ROUTE_LIMIT {
                return Err(RouteError::TooManyRoutes);
            }
            self.routes.insert(id, Arc::new(send));
        }
        let route = self
            .routes
            .get(&id)
            .cloned()
            .ok_or(RouteError::UnknownRoute(id))?;
        header.flags = FrameFlags::SYNC;
        Ok(Routed::Call(route))
    }
}

/// Takes the 4-byte route id off the end of `body`.
fn take_id(body: &mut Vec<u8>) -> Result<u32, RouteError> {
    let at = body.len().checked_sub(4).ok_or(RouteError::NoRouteId)?;
    let mut id = [0u8; 4];
    id.copy_from_slice(&body[at..]);
    body.truncate(at);
    Ok(u32::from_le_bytes(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(flags: FrameFlags) -> FrameHeader {
        FrameHeader {
            routing: 0,
            message: 1,
            flags,
            transaction: 5,
        }
    }

    fn body(id: u32) -> Vec<u8> {
        let mut body = b"args".to_vec();
        body.extend_from_slice(&id.to_le_bytes());
        body
    }

    fn open(table: &mut RouteTable, id: u32) -> Result<Routed, RouteError> {
        let (_port, send) = platform::port().expect("a port");
        let mut rights = vec![Right::Send(send)];
        let mut header = header(FrameFlags::SYNC | FrameFlags::ROUTE | FrameFlags::NEW_ROUTE);
        table.accept(&mut header, &mut body(id), &mut rights)
    }

    #[test]
    fn routes_open_serve_calls_and_close() {
        let mut table = RouteTable::default();
        assert!(matches!(open(&mut table, 3), Ok(Routed::Call(_))));
        let mut call = header(FrameFlags::SYNC | FrameFlags::ROUTE);
        let mut args = body(3);
        assert!(matches!(
            table.accept(&mut call, &mut args, &mut Vec::new()),
            Ok(Routed::Call(_))
        ));
        // The owner sees a plain sync call with the body it was given.
        assert_eq!(call.flags, FrameFlags::SYNC);
        assert_eq!(args, b"args");
        let mut close = header(FrameFlags::ROUTE | FrameFlags::GOODBYE);
        let mut id = 3u32.to_le_bytes().to_vec();
        assert!(matches!(
            table.accept(&mut close, &mut id, &mut Vec::new()),
            Ok(Routed::Closed)
        ));
        let mut call = header(FrameFlags::SYNC | FrameFlags::ROUTE);
        assert_eq!(
            table.accept(&mut call, &mut body(3), &mut Vec::new()).err(),
            Some(RouteError::UnknownRoute(3))
        );
    }

    #[test]
    fn broken_route_frames_are_refused() {
        let mut table = RouteTable::default();
        assert!(open(&mut table, 1).is_ok());
        assert_eq!(open(&mut table, 1).err(), Some(RouteError::ReusedRoute(1)));
        for id in 2..ROUTE_LIMIT as u32 + 1 {
            assert!(open(&mut table, id).is_ok());
        }
        assert_eq!(open(&mut table, 99).err(), Some(RouteError::TooManyRoutes));
        let mut without_right =
            header(FrameFlags::SYNC | FrameFlags::ROUTE | FrameFlags::NEW_ROUTE);
        assert_eq!(
            table
                .accept(&mut without_right, &mut body(100), &mut Vec::new())
                .err(),
            Some(RouteError::NoSendRight)
        );
        let mut short = header(FrameFlags::SYNC | FrameFlags::ROUTE);
        assert_eq!(
            table
                .accept(&mut short, &mut vec![1, 2], &mut Vec::new())
                .err(),
            Some(RouteError::NoRouteId)
        );
        let mut async_routed = header(FrameFlags::ROUTE);
        assert_eq!(
            table
                .accept(&mut async_routed, &mut body(1), &mut Vec::new())
                .err(),
            Some(RouteError::BadFlags(256))
        );
    }
}
