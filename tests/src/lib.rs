//! Cross-crate tests of machproto; the tests live in `tests/`:
//!
//! - `corpus.rs`: every file of `inputs/ok` checks clean and its model is
//!   snapshotted; every file of `inputs/fail` reports the code its first line
//!   names, and its rendered diagnostics are snapshotted.
//! - `ui.rs`: trybuild compile-fail cases in `ui/derive/`, one mistake per
//!   file, with the expected compiler output committed beside each.
//! - `robustness.rs`: hostile inputs (deep nesting, random bytes, invalid
//!   UTF-8, empty files) end in diagnostics, never a panic.
//! - `codegen.rs`: generated code, snapshotted and exercised; the crate
//!   itself compiles the generated code of every canonical protocol and
//!   valid input (`build.rs`, [`generated`]).

pub mod generated;

/// App types the canonical compositor protocol names with `using`.
pub mod geom {
    use machproto_runtime::wire::{Decoder, Encoder};
    use machproto_runtime::{DecodeError, EncodeError, MachMessage};

    /// A point in surface coordinates.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Point {
        /// Horizontal.
        pub x: i32,
        /// Vertical.
        pub y: i32,
    }

    impl MachMessage for Point {
        const MIN_ENCODED_SIZE: usize = 8;

        fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
            self.x.encode(encoder)?;
            self.y.encode(encoder)
        }

        fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
            Ok(Point {
                x: i32::decode(decoder)?,
                y: i32::decode(decoder)?,
            })
        }
    }
}

/// Compositor settings, sent through serde (`[Serde] using Config`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Config {
    /// Frames per second.
    pub rate: u32,
}

/// App types the test inputs and `rights.mproto` name with `using`.
mod app_types {
    use machproto_macros::MachMessage;
    use machproto_runtime::SendRight;

    /// Settings, sent plainly or through serde.
    #[derive(
        Clone, Debug, PartialEq, Eq, Hash, MachMessage, serde::Serialize, serde::Deserialize,
    )]
    pub struct Settings {
        /// Talk more.
        pub verbose: bool,
    }

    /// Deprecated settings.
    #[derive(Clone, Debug, PartialEq, Eq, Hash, MachMessage)]
    pub struct OldSettings {
        /// How much.
        pub level: u8,
    }

    /// Something defined elsewhere.
    #[derive(Clone, Debug, PartialEq, Eq, Hash, MachMessage)]
    pub struct External {
        /// Its identity.
        pub id: u64,
    }

    /// A surface: a resource (it holds a right).
    #[derive(Debug, MachMessage)]
    pub struct Surface {
        /// The port standing for it.
        pub port: SendRight,
    }

    /// A handle: a resource.
    #[derive(Debug, MachMessage)]
    pub struct Handle {
        /// The port standing for it.
        pub port: SendRight,
    }
}

pub use app_types::{External, Handle, OldSettings, Settings, Surface};

/// App types of `rights.mproto`.
pub mod platform {
    /// A platform surface handle (`[Resource] using SurfaceRef`).
    #[derive(Debug, machproto_macros::MachMessage)]
    pub struct SurfaceRef {
        /// The port standing for it.
        pub port: machproto_runtime::SendRight,
    }
}

/// The service manifest of `rights.mproto`, sent through serde.
pub mod manifest {
    /// What a service offers.
    #[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
    pub struct Manifest {
        /// Its name.
        pub name: String,
        /// Its version.
        pub version: u32,
    }
}
