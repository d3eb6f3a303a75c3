//! Two children talking directly over a channel their launcher made:
//! `cargo run --release --example bridge`.

use machproto_examples::{bridge, support};

fn main() -> std::process::ExitCode {
    let outcome = match std::env::args().nth(1) {
        Some(role) => bridge::run_child(&role),
        None => bridge::run(&support::this_program, 10_000).map(|summary| println!("{summary}")),
    };
    support::exit_code(outcome)
}
