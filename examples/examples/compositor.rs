//! A GPU process and two content processes sharing textures:
//! `cargo run --release --example compositor`.

use machproto_examples::{compositor, support};

fn main() -> std::process::ExitCode {
    let outcome = match std::env::args().nth(1) {
        Some(role) => compositor::run_child(&role),
        None => compositor::run(&support::this_program, 2).map(|summary| println!("{summary}")),
    };
    support::exit_code(outcome)
}
