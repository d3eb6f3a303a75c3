//! A broker child opening files for its launcher and passing back the
//! descriptors: `cargo run --release --example fileserver`.

use machproto_examples::{fileserver, support};

fn main() -> std::process::ExitCode {
    let outcome = match std::env::args().nth(1) {
        Some(role) => fileserver::run_child(&role),
        None => fileserver::run(&support::this_program).map(|summary| println!("{summary}")),
    };
    support::exit_code(outcome)
}
