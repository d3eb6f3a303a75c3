//! Procedural macros of machproto.
//!
//! `#[derive(MachMessage)]` implements `machproto_runtime::MachMessage` for a
//! struct or enum, so app types travel in messages beside generated ones:
//!
//! ```
//! use machproto_macros::MachMessage;
//! use machproto_runtime::{SendRight, wire};
//!
//! #[derive(Debug, MachMessage)]
//! enum Surface {
//!     /// Pixels copied into the message.
//!     Inline(#[mach(bound = 4096)] Vec<u8>),
//!     /// A surface port owned by the GPU process.
//!     Port { id: u64, right: SendRight },
//!     Empty,
//! }
//!
//! let message = wire::encode(Surface::Inline(vec![1, 2, 3]))?;
//! match wire::decode::<Surface>(message)? {
//!     Surface::Inline(pixels) => assert_eq!(pixels, [1, 2, 3]),
//!     other => panic!("unexpected {other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Attributes:
//! - `#[mach(bound = N)]` on a string, bytes, sequence or map field: at most
//!   `N` elements, checked when sending and when receiving.
//! - `#[mach(serde)]` on a field: the value travels through its serde impls
//!   (plain data only; a right can never travel this way).
//! - `#[mach(crate = "path")]` on the type: where `machproto_runtime` is,
//!   for crates that re-export it.
//!
//! A struct's fields travel in order; a fieldless enum travels as its
//! discriminant (`u32`), any other enum as the variant's index (`u32`) and
//! then the variant's fields.
//!
//! `include_protocol!("path/to/file.mproto")` generates the Rust of a
//! protocol file in place (see `machproto_codegen`):
//!
//! ```ignore
//! machproto_macros::include_protocol!("protocols/gfx/compositor.mproto", include = "protocols");
//! use gfx_compositor::{CompositorChild, CompositorChildHandler};
//! ```
//!
//! Paths are relative to the crate's `Cargo.toml`. Every file read is
//! tracked, so cargo rebuilds when one changes; an invalid file is a
//! `compile_error!` at the path, carrying the compiler's diagnostics.

mod derive;
mod include;

use proc_macro::TokenStream;

/// Derives `machproto_runtime::MachMessage`; see the crate docs.
#[proc_macro_derive(MachMessage, attributes(mach))]
pub fn derive_mach_message(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Generates the Rust of a protocol file in place: a module per package.
/// `include_protocol!("FILE")` or `include_protocol!("FILE", include =
/// "DIR", include = "DIR2")`; see the crate docs.
#[proc_macro]
pub fn include_protocol(input: TokenStream) -> TokenStream {
    include::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
