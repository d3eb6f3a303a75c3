use machproto_macros::MachMessage;

struct Opaque(u32);

#[derive(MachMessage)]
struct Wrapped {
    #[mach(serde)]
    inner: Opaque,
}

fn main() {}
