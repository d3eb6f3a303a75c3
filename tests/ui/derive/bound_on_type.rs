use machproto_macros::MachMessage;

#[derive(MachMessage)]
#[mach(bound = 3)]
struct Names {
    names: Vec<String>,
}

fn main() {}
