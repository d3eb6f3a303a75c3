//! No input makes the compiler panic, abort or overflow its stack (L31):
//! each of these ends in a diagnostic or a model. Tests run on the default
//! 2 MiB test thread stack, smaller than a program's main thread.

use machproto_idl::{Compilation, check_source};

fn codes(compilation: &Compilation) -> Vec<&'static str> {
    compilation
        .diagnostics
        .iter()
        .map(|d| d.code.name)
        .collect()
}

fn assert_rejected_with(source: &[u8], code: &str) {
    let compilation = check_source("input.mproto", source);
    assert!(!compilation.is_ok());
    assert!(
        codes(&compilation).contains(&code),
        "expected {code}, got:\n{}",
        compilation.render_diagnostics()
    );
    // Rendering must not panic either.
    assert!(!compilation.render_diagnostics().is_empty());
}

#[test]
fn ten_thousand_nested_vecs_are_a_diagnostic() {
    let depth = 10_000;
    let source = format!(
        "package deep;\nstruct S {{ f: {}u8{} }}\n",
        "vec<".repeat(depth),
        ">".repeat(depth)
    );
    assert_rejected_with(source.as_bytes(), "E0003");
}

#[test]
fn ten_thousand_nested_brackets_and_parens_are_a_diagnostic() {
    let depth = 10_000;
    let arrays = format!(
        "package deep;\nstruct S {{ f: {}u8{} }}\n",
        "[".repeat(depth),
        "; 1]".repeat(depth)
    );
    assert_rejected_with(arrays.as_bytes(), "E0003");
    let parens = format!("package deep;\n{}{}", "(".repeat(depth), ")".repeat(depth));
    assert_rejected_with(parens.as_bytes(), "E0003");
    let braces = format!("package deep;\n{}", "{".repeat(depth));
    assert_rejected_with(braces.as_bytes(), "E0003");
}

#[test]
fn nesting_just_under_the_limit_is_accepted() {
    let depth = 90;
    let source = format!(
        "package deep;\nstruct S {{ f: {}u8{} }}\n",
        "vec<".repeat(depth),
        ">".repeat(depth)
    );
    let compilation = check_source("input.mproto", source.as_bytes());
    assert!(compilation.is_ok(), "{}", compilation.render_diagnostics());
}

#[test]
fn empty_and_blank_files_are_a_diagnostic() {
    assert_rejected_with(b"", "E0101");
    assert_rejected_with(b"  \n// only a comment\n", "E0101");
}

#[test]
fn truncated_file_is_a_diagnostic() {
    assert_rejected_with(b"package a;\nstruct S { f: u3", "E0001");
    assert_rejected_with(b"package a;\nprotocol P { parent: async M(", "E0001");
}

#[test]
fn invalid_utf8_is_labelled_at_the_first_bad_byte() {
    let source = b"package a;\nstruct S { f: u8 }\n// \xff\xfe\n";
    let compilation = check_source("input.mproto", source);
    let diagnostic = compilation
        .diagnostics
        .iter()
        .find(|d| d.code.name == "E0002")
        .expect("an invalid UTF-8 diagnostic");
    assert_eq!(
        diagnostic.span().start as usize,
        source.iter().position(|&b| b == 0xff).unwrap()
    );
    assert!(
        compilation
            .render_diagnostics()
            .contains("input.mproto:3:4")
    );
}

#[test]
fn random_bytes_never_panic() {
    // A fixed xorshift stream: the same inputs on every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"package struct enum union protocol parent: child: async sync vec<map<[;]{}(),.=?->\"\\ u32 string<8> 0x1f 250ms // /* */ /// @\n\t\xff\xc3";
    for round in 0..2_000 {
        let len = (next() % 300) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if round % 2 == 0 {
                    r as u8
                } else {
                    alphabet[(r % alphabet.len() as u64) as usize]
                }
            })
            .collect();
        let compilation = check_source("input.mproto", &bytes);
        let _ = compilation.render_diagnostics();
        if let Some(model) = &compilation.model {
            serde_json::to_string(model).expect("a model always serializes");
        }
    }
}

#[test]
fn long_chains_of_declarations_do_not_recurse() {
    let count = 10_000;
    let mut source = String::from("package chain;\n");
    for i in 0..count {
        source.push_str(&format!("struct S{i} {{ next: S{} }}\n", (i + 1) % count));
    }
    // A 10 000-long containment cycle: one diagnostic that prints the cycle.
    let compilation = check_source("input.mproto", source.as_bytes());
    assert_eq!(codes(&compilation), vec!["E0308"]);

    let mut protocols =
        String::from("package chain;\nprotocol Root { manages P0; parent: async P0(); }\n");
    for i in 0..count {
        let manages = if i + 1 < count {
            format!("manages P{}; ", i + 1)
        } else {
            String::new()
        };
        let constructor = if i + 1 < count {
            format!("async P{}(); ", i + 1)
        } else {
            String::new()
        };
        let manager = if i == 0 {
            "Root".to_owned()
        } else {
            format!("P{}", i - 1)
        };
        protocols.push_str(&format!(
            "protocol P{i} {{ manager {manager}; {manages}parent: {constructor}both: async delete(); }}\n"
        ));
    }
    let compilation = check_source("input.mproto", protocols.as_bytes());
    assert!(compilation.is_ok(), "{}", compilation.render_diagnostics());
}
