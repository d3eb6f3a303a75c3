//! Actors and where they run: event loops with delivery priorities and
//! `[Compress]`, replies to calls, and the actor tree of each channel
//! (see `docs/runtime.md`). Generated code declares the static side specs
//! and implements [`Actor`] as glue around the app's handler trait; this is
//! that code written by hand for a one-message protocol.
//!
//! ```
//! # #[cfg(target_os = "linux")] {
//! use std::time::Duration;
//!
//! use machproto_runtime::actor::*;
//! use machproto_runtime::{Protocol, ProtocolSide, Side, create_endpoints, wire};
//!
//! // protocol demo.Calc { parent: async Double(value: u32) -> (value: u32); }
//! const DOUBLE: u32 = 7;
//! struct Calc;
//! struct CalcParent;
//! struct CalcChild;
//! impl ProtocolSide for CalcParent {
//!     const PROTOCOL: &'static str = "demo.Calc";
//!     const SIDE: Side = Side::Parent;
//! }
//! impl ProtocolSide for CalcChild {
//!     const PROTOCOL: &'static str = "demo.Calc";
//!     const SIDE: Side = Side::Child;
//! }
//! impl Protocol for Calc {
//!     type Parent = CalcParent;
//!     type Child = CalcChild;
//! }
//! static PARENT: SideSpec = SideSpec {
//!     protocol: "demo.Calc",
//!     side: Side::Parent,
//!     receives: &[MessageSpec {
//!         id: DOUBLE,
//!         name: "Double",
//!         kind: MessageKind::Call,
//!         priority: Priority::Normal,
//!         compress: false,
//!     }],
//!     sends: &[],
//!     peer_process: None,
//!     manages: &[],
//! };
//! static CHILD: SideSpec = SideSpec {
//!     protocol: "demo.Calc",
//!     side: Side::Child,
//!     receives: &[],
//!     sends: &[DOUBLE],
//!     peer_process: None,
//!     manages: &[],
//! };
//! impl ActorSide for CalcParent {
//!     const SPEC: &'static SideSpec = &PARENT;
//! }
//! impl ActorSide for CalcChild {
//!     const SPEC: &'static SideSpec = &CHILD;
//! }
//!
//! /// The parent's glue: decode, answer.
//! struct Doubler;
//! impl Actor for Doubler {
//!     fn receive(&mut self, mut incoming: Incoming) -> Result<Handled, BadMessage> {
//!         let value: u32 = incoming.decode()?;
//!         if let Some(responder) = incoming.responder::<u32>() {
//!             let _ = responder.respond(value * 2);
//!         }
//!         Ok(Handled::Done)
//!     }
//!     fn destroyed(&mut self, _reason: DestroyReason) {}
//! }
//! /// The child receives nothing.
//! struct Caller;
//! impl Actor for Caller {
//!     fn receive(&mut self, incoming: Incoming) -> Result<Handled, BadMessage> {
//!         Err(BadMessage::UnknownMessage { protocol: "demo.Calc", message: incoming.id() })
//!     }
//!     fn destroyed(&mut self, _reason: DestroyReason) {}
//! }
//!
//! // Usually the child endpoint travels to another process first.
//! let (parent, child) = create_endpoints::<Calc>()?;
//! let (event_loop, _thread) = EventLoop::spawn("calc")?;
//! let _parent = parent.open(&event_loop, &ActorOptions::new("browser"), Box::new(Doubler))?;
//! let child = child.open(&event_loop, &ActorOptions::new("content"), Box::new(Caller))?;
//! let reply = child.call::<u32>(DOUBLE, wire::encode(21u32)?)?;
//! assert_eq!(reply.wait(Duration::from_secs(5))?, 42);
//! event_loop.stop();
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod deliver;
mod destroy;
mod event_loop;
mod handle;
mod handler;
mod inbound;
mod link;
mod managed;
mod reply;
mod routes;
mod spec;

pub use deliver::UNBOUND_LIMIT;
pub use destroy::{BadMessage, BadMessageHook, BadMessageReport, DestroyReason};
pub use event_loop::{CompressKey, EventLoop, Priority};
pub use handle::{ActorHandle, ActorSendError};
pub use handler::{Actor, Handled, Incoming};
pub use link::{ActorOptions, ActorSide};
pub use managed::{ManagedBindError, ManagedEndpoint};
pub(crate) use reply::read_reply_body;
pub use reply::{
    ANSWERED, PendingReplies, RESPONDER_DROPPED, Reply, ReplyError, ReplySink, Responder,
    UnexpectedReply,
};
pub use spec::{MessageKind, MessageSpec, SideSpec};
