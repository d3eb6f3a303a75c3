//! Channels: the frames actors exchange over a pair of ports, and the
//! handshake that binds an endpoint (see `docs/runtime.md`).
//!
//! This layer is being built. What exists: the frame header, the hello
//! handshake's message and checks, and [`Channel`] over the process's one
//! I/O thread (bounded send queues that never block, arrivals and closes
//! delivered in order), and calls whose replies come back through the
//! bound channel. The actor tree and sync calls come next.

mod bind;
mod call;
mod frame;
mod hello;
mod io;
mod sync_call;

pub use bind::{Bound, ChannelError, Frame};
pub use frame::{FrameError, FrameFlags, FrameHeader};
pub use hello::{BindError, Hello, HelloRegistry};
pub use io::{Channel, ChannelEvent, ChannelSender, CloseReason, SEND_QUEUE_LIMIT, SendError};
pub use sync_call::SyncCallError;
