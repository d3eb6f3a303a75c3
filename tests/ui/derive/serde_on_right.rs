use machproto_macros::MachMessage;
use machproto_runtime::SendRight;

#[derive(MachMessage)]
struct Attach {
    #[mach(serde)]
    port: SendRight,
}

fn main() {}
