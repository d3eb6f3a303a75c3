use machproto_macros::MachMessage;

#[derive(MachMessage)]
struct Stamp {
    id: u64,
    at: std::time::Instant,
}

fn main() {}
