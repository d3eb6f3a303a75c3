use machproto_macros::MachMessage;

#[derive(MachMessage)]
union Bits {
    word: u32,
    bytes: [u8; 4],
}

fn main() {}
