use machproto_macros::MachMessage;

#[derive(MachMessage)]
struct Point {
    #[mach(bound = 4)]
    x: u32,
    y: u32,
}

fn main() {}
