use machproto_macros::MachMessage;

#[derive(MachMessage)]
struct Name {
    #[mach(bound = "eight")]
    name: String,
}

fn main() {}
