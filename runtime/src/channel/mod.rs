//! Channels: the frames actors exchange over a pair of ports, and the
//! handshake that binds an endpoint (see `docs/runtime.md`).
//!
//! This layer is being built; what exists so far is the frame header and
//! the hello handshake's message and checks. The I/O loop and actors come
//! next.

mod frame;
mod hello;

pub use frame::{FrameError, FrameFlags, FrameHeader};
pub use hello::{BindError, Hello, HelloRegistry};
