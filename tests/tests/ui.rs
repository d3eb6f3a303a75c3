//! Compile-fail tests: each file of `ui/derive` (misuse of
//! `#[derive(MachMessage)]`), `ui/runtime` (misuse of runtime types) and
//! `ui/codegen` (misuse of generated protocol code) makes one mistake, and
//! its `.stderr` pins the diagnostic and its span.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/derive/*.rs");
    t.compile_fail("ui/runtime/*.rs");
    t.compile_fail("ui/codegen/*.rs");
}
