// An endpoint is one side of one channel: it can be bound or sent once.
use machproto_runtime::{Endpoint, ProtocolSide};

fn bind_twice<S: ProtocolSide>(endpoint: Endpoint<S>) {
    let first = endpoint;
    let second = endpoint;
    drop((first, second));
}

fn main() {}
