//! Channels: the frames actors exchange over a pair of ports, the
//! handshake that binds an endpoint, and calls (see `docs/runtime.md`).
//!
//! ```
//! # #[cfg(target_os = "linux")] {
//! use std::time::Duration;
//!
//! use machproto_runtime::channel::Bound;
//! use machproto_runtime::wire::{self, Message};
//! use machproto_runtime::{Protocol, ProtocolSide, Side, create_endpoints};
//!
//! // What generated code declares for `protocol Calc`.
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
//! const DOUBLE: u32 = 1;
//! let wait = Duration::from_secs(5);
//!
//! // Usually the child endpoint travels to another process first.
//! let (parent, child) = create_endpoints::<Calc>()?;
//! let mut parent: Bound<CalcParent> = parent.bind("browser", None)?;
//! let mut child: Bound<CalcChild> = child.bind("content", Some("browser"))?;
//!
//! let reply = parent.call::<u32>(0, DOUBLE, wire::encode(21u32)?)?;
//! let mut call = child.recv(wait)?;
//! let responder = child.responder::<u32>(&mut call).expect("a call");
//! let argument: u32 = wire::decode(Message { bytes: call.body, rights: call.rights })?;
//! responder.respond(argument * 2)?;
//! assert_eq!(parent.wait_reply(reply, wait)?, 42);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What is here: the frame header, the hello handshake's message and
//! checks, [`Channel`] over a [`Dispatch`] (the process's I/O thread, or
//! an event loop's own: bounded send queues that never block, arrivals and
//! closes delivered in order, flow control for a stalled owner), async
//! calls whose replies come back through the bound channel, and sync calls
//! answered on a reply port of the caller's. Actors are built on this in
//! [`crate::actor`].

mod bind;
mod call;
mod dispatch;
mod frame;
mod hello;
mod io;
mod outgoing;
mod route;
mod sync_call;
mod watch;

pub use bind::{Bound, ChannelError, Frame};
pub use dispatch::{Dispatch, Notify, Waited, on_io_thread};
pub use frame::{FrameError, FrameFlags, FrameHeader, RouteError};
pub use hello::{BindError, Hello, HelloRegistry};
pub use io::{
    Channel, ChannelEvent, ChannelEvents, ChannelSender, CloseReason, INBOX_LIMIT,
    SEND_QUEUE_LIMIT, SendError,
};
pub use outgoing::Outgoing;
pub use route::{ROUTE_LIMIT, ReplyTo};
pub use sync_call::SyncCallError;
pub use watch::PortWatch;
