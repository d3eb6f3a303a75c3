//! Feeds arbitrary bytes to the front end: compiling, rendering the
//! diagnostics and serializing the model must never panic (L31).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let compilation = machproto_idl::check_source("fuzz.mproto", data);
    let rendered = compilation.render_diagnostics();
    assert_eq!(
        compilation.is_ok(),
        !compilation.diagnostics.has_errors(),
        "a model exists exactly when there is no error:\n{rendered}"
    );
    if let Some(model) = &compilation.model {
        serde_json::to_string(model).expect("the model serializes");
    }
});
