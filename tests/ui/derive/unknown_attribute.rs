use machproto_macros::MachMessage;

#[derive(MachMessage)]
struct Label {
    #[mach(bounds = 4)]
    text: String,
}

fn main() {}
