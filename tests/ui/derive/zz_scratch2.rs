use machproto_macros::MachMessage;

#[derive(MachMessage)]
enum Shape {
    Point,
    Circle {
        radius: f64,
        #[mach(bound = 1)]
        r: f64,
    },
}

fn main() {}
