//! The machproto runtime: what protocol code runs on.
//!
//! ```
//! use machproto_macros::MachMessage;
//! use machproto_runtime::testing::RightCounter;
//! use machproto_runtime::{SendRight, wire};
//!
//! /// A message with plain data and a right.
//! #[derive(Debug, MachMessage)]
//! struct Attach {
//!     #[mach(bound = 32)]
//!     label: String,
//!     surface: SendRight,
//! }
//!
//! let counter = RightCounter::new();
//! let message = wire::encode(Attach {
//!     label: "surface-7".into(),
//!     surface: counter.send_right(),
//! })?;
//! assert_eq!(message.rights.len(), 1);
//! let attach: Attach = wire::decode(message)?;
//! assert_eq!(attach.label, "surface-7");
//! drop(attach);
//! assert_eq!(counter.released(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layers
//!
//! - [`wire`]: values to plain bytes plus a table of rights and back, with
//!   validation on every decode ([`MachMessage`], derivable with
//!   `#[derive(MachMessage)]` from the `machproto-macros` crate).
//! - Rights ([`SendRight`], [`SendOnceRight`], [`ReceiveRight`],
//!   [`SharedMemory`], file descriptors) and [`Endpoint`]s: each owns its
//!   kernel object and releases it once, in `Drop`.
//!
//! - [`platform`]: ports, rights and raw messages over real kernel objects,
//!   with two backends behind one API: Linux (`SOCK_SEQPACKET`,
//!   `SCM_RIGHTS`, epoll, memfd) and Mach (`mach_msg` with port
//!   descriptors), the latter running on macOS and, with the `mach-sim`
//!   feature, on Linux over `mach_sim`, an in-process Mach kernel
//!   simulator reached through the [`mach_sys`] facade.
//! - [`channel`]: endpoints bound over channels: frames, the bind
//!   handshake, bounded send queues that never block, dispatches (the
//!   process's one I/O thread, and each event loop's own), async calls with
//!   replies and sync calls.
//! - [`actor`]: what generated code runs on: side specs that every
//!   incoming frame is validated against, actors and their handles, managed
//!   actor trees with exactly one `destroyed(reason)` each, event loops
//!   (priorities, `[Compress]`), replies and responders, and the app's
//!   bad-message hook.

pub mod actor;
pub mod channel;
mod endpoint;
#[cfg(any(target_os = "linux", target_vendor = "apple"))]
pub mod launch;
#[cfg(not(target_vendor = "apple"))]
pub mod mach_sim;
pub mod mach_sys;
pub mod platform;
mod right;
#[cfg(feature = "test-util")]
pub mod testing;
pub mod wire;

pub use actor::ManagedEndpoint;
#[cfg(any(target_os = "linux", target_vendor = "apple"))]
pub use endpoint::create_endpoints;
pub use endpoint::{Endpoint, EndpointPair, Protocol, ProtocolSide, Side};
pub use right::{ReceiveRight, Right, RightKind, SendOnceRight, SendRight, SharedMemory};
pub use wire::{Bounded, DecodeError, EncodeError, MachMessage};
