//! `MachMessage` for the standard types of the language's type table.

mod collections;
mod rights;
mod scalars;
pub mod serde_field;
mod tuples;
