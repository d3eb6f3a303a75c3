//! Generates the Rust of the protocols the examples speak, into `OUT_DIR`
//! (`src/protocols.rs` includes it). The file server's protocol comes in
//! through `include_protocol!` instead, to show the other way in.

fn main() {
    let generated = machproto_codegen::Builder::new()
        .include("../protocols")
        .compile(&[
            "../protocols/gfx/compositor.mproto",
            "../protocols/bridge.mproto",
        ]);
    if let Err(error) = generated {
        // The diagnostics, as `machproto check` prints them.
        eprintln!("{error}");
        std::process::exit(1);
    }
}
