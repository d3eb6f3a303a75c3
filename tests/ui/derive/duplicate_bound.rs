use machproto_macros::MachMessage;

#[derive(MachMessage)]
struct Name {
    #[mach(bound = 8)]
    #[mach(bound = 16)]
    name: String,
}

fn main() {}
