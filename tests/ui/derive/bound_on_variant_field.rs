use machproto_macros::MachMessage;

#[derive(MachMessage)]
enum Shape {
    Point,
    Circle {
        #[mach(bound = 1)]
        radius: f64,
    },
}

fn main() {}
