//! Cross-crate tests of machproto; the tests live in `tests/`:
//!
//! - `corpus.rs`: every file of `inputs/ok` checks clean and its model is
//!   snapshotted; every file of `inputs/fail` reports the code its first line
//!   names, and its rendered diagnostics are snapshotted.
//! - `ui.rs`: trybuild compile-fail cases in `ui/derive/`, one mistake per
//!   file, with the expected compiler output committed beside each.
//! - `robustness.rs`: hostile inputs (deep nesting, random bytes, invalid
//!   UTF-8, empty files) end in diagnostics, never a panic.
