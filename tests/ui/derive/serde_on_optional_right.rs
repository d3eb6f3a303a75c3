use machproto_macros::MachMessage;
use machproto_runtime::SharedMemory;

#[derive(MachMessage)]
struct Attach {
    #[mach(serde)]
    regions: Option<Vec<SharedMemory>>,
}

fn main() {}
