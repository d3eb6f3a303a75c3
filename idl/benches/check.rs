//! How long the front end takes to check one large, valid protocol file.
//!
//! The file is generated in code, deterministically: groups of five protocols
//! (a `sync protocol` that manages two protocols, and two more top-level
//! ones), each with 20 messages, plus a few structs, enums and unions per group.
//! `check_10k_messages` compiles 500 protocols (10 000 messages),
//! `check_1k_messages` 50 protocols (1 000 messages), so the scaling shows.

use divan::Bencher;
use machproto_idl::Compiler;

mod corpus;

use corpus::{FILE, loader};

fn main() {
    divan::main();
}

fn bench_check(bencher: Bencher<'_, '_>, protocols: usize) {
    let files = loader(protocols);
    bencher
        .with_inputs(|| files.clone())
        .bench_values(|files| Compiler::new(files).compile(&[FILE]));
}

/// 500 protocols × 20 messages.
#[divan::bench(sample_count = 20)]
fn check_10k_messages(bencher: Bencher<'_, '_>) {
    bench_check(bencher, 500);
}

/// 50 protocols × 20 messages.
#[divan::bench(sample_count = 50)]
fn check_1k_messages(bencher: Bencher<'_, '_>) {
    bench_check(bencher, 50);
}
