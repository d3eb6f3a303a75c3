//! How long the generator takes for the front end's benchmark corpus:
//! `gen_10k_messages` is 500 protocols with 20 messages each (10 000
//! messages), `gen_1k_messages` 50 protocols. Each sample lowers, emits and
//! formats the whole file from its checked model; `check_and_gen_10k`
//! also checks it first, as `machproto gen` does.

use divan::Bencher;
use machproto_idl::{Compiler, Model};

#[path = "../../idl/benches/corpus.rs"]
mod corpus;

use corpus::{FILE, loader};

fn main() {
    divan::main();
}

fn model(protocols: usize) -> Model {
    Compiler::new(loader(protocols))
        .compile(&[FILE])
        .expect("the corpus exists")
        .model
        .expect("the corpus is valid")
}

/// 500 protocols × 20 messages.
#[divan::bench(sample_count = 10)]
fn gen_10k_messages(bencher: Bencher<'_, '_>) {
    let model = model(500);
    bencher.bench(|| machproto_codegen::generate(&model, FILE));
}

/// 50 protocols × 20 messages.
#[divan::bench(sample_count = 30)]
fn gen_1k_messages(bencher: Bencher<'_, '_>) {
    let model = model(50);
    bencher.bench(|| machproto_codegen::generate(&model, FILE));
}

/// Checking, then generating, 500 protocols × 20 messages.
#[divan::bench(sample_count = 10)]
fn check_and_gen_10k(bencher: Bencher<'_, '_>) {
    let files = loader(500);
    bencher.with_inputs(|| files.clone()).bench_values(|files| {
        let compilation = Compiler::new(files).compile(&[FILE]).expect("exists");
        let model = compilation.model.expect("valid");
        machproto_codegen::generate(&model, FILE)
    });
}
