use machproto_macros::MachMessage;

#[derive(MachMessage)]
#[mach(rename = "Ping")]
struct Ping {
    seq: u32,
}

fn main() {}
