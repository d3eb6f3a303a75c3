use machproto_macros::MachMessage;

#[derive(MachMessage)]
enum Command {
    #[mach(bound = 8)]
    Rename(String),
    Stop,
}

fn main() {}
