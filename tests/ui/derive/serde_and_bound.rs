use machproto_macros::MachMessage;

#[derive(MachMessage)]
struct Tags {
    #[mach(serde, bound = 8)]
    tags: Vec<String>,
}

fn main() {}
