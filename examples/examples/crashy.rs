//! Children that crash or send garbage, and a parent that carries on:
//! `cargo run --release --example crashy`.

use machproto_examples::{crashy, support};

fn main() -> std::process::ExitCode {
    let outcome = match std::env::args().nth(1) {
        Some(role) => crashy::run_child(&role),
        None => crashy::run(&support::this_program).map(|summary| println!("{summary}")),
    };
    support::exit_code(outcome)
}
