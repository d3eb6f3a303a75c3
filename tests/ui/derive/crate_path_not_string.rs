use machproto_macros::MachMessage;

#[derive(MachMessage)]
#[mach(crate = machproto_runtime)]
struct Ping {
    seq: u32,
}

fn main() {}
