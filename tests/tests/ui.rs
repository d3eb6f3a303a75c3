//! Compile-fail tests of `#[derive(MachMessage)]`: each file of `ui/derive`
//! makes one mistake, and its `.stderr` pins the diagnostic and its span.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/derive/*.rs");
}
