use machproto_macros::MachMessage;

#[derive(MachMessage)]
#[mach(crate = "not_a_crate")]
struct Ping {
    seq: u32,
}

fn main() {}
