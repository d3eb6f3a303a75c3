//! Multi-process programs built with machproto, each runnable with
//! `cargo run --release --example NAME` and each exercised by
//! `tests/examples.rs`:
//!
//! - [`compositor`]: a GPU process launches two content processes, which
//!   build managed `Texture` actors, draw into shared memory the GPU
//!   process hands them, and present it back.
//! - [`bridge`]: a launcher makes a channel between two children, which
//!   then talk directly.
//! - [`fileserver`]: a broker child opens files for its launcher and sends
//!   the descriptors back; a path outside its root is refused.
//! - [`crashy`]: one child dies mid-conversation, another sends garbage;
//!   the parent sees `AbnormalShutdown` and `BadMessage` and keeps serving
//!   a third.
//!
//! Each program is one binary playing both roles: without arguments it is
//! the parent, which starts itself again with a role name as the children
//! (see [`support::this_program`]). The shape of each, in short:
//!
//! ```no_run
//! use machproto_examples::{bridge, support};
//!
//! fn main() -> std::process::ExitCode {
//!     let outcome = match std::env::args().nth(1) {
//!         // A child: serve the role its launcher gave it.
//!         Some(role) => bridge::run_child(&role),
//!         // The parent: start the children and report.
//!         None => bridge::run(&support::this_program, 1000).map(|summary| println!("{summary}")),
//!     };
//!     support::exit_code(outcome)
//! }
//! ```

pub mod bridge;
pub mod compositor;
pub mod crashy;
pub mod fileserver;
pub mod support;

/// The generated code of the protocols the examples speak (`build.rs`).
pub mod protocols {
    #![allow(missing_docs)]
    /// `protocols/gfx/compositor.mproto` and its imports.
    pub mod compositor {
        include!(concat!(env!("OUT_DIR"), "/compositor.rs"));
    }
    /// `protocols/bridge.mproto`.
    pub mod bridge {
        include!(concat!(env!("OUT_DIR"), "/bridge.rs"));
    }
}

/// App types the compositor protocol names with `using`.
pub mod geom {
    /// A point in surface coordinates.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, machproto_macros::MachMessage)]
    pub struct Point {
        /// Horizontal.
        pub x: i32,
        /// Vertical.
        pub y: i32,
    }
}

/// Compositor settings, sent through serde (`[Serde] using Config`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Config {
    /// Frames per second.
    pub rate: u32,
}
