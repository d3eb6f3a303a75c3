//! The language corpus: every valid input checks clean and its model is
//! snapshotted; every invalid input reports the code its header names, and
//! its rendered diagnostics are snapshotted. CI runs with `INSTA_UPDATE=no`,
//! so a stale snapshot fails.

use std::path::{Path, PathBuf};

use machproto_idl::{Compilation, Compiler, Severity};

/// Compiles `path` (absolute) as the tests see it: relative to this crate,
/// so that rendered file names do not depend on the machine.
fn compile(path: &Path, include: &str) -> Compilation {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut compiler = Compiler::from_fs();
    compiler.include(include);
    compiler
        .compile(&[&relative])
        .unwrap_or_else(|errors| panic!("cannot open {}: {errors:?}", relative.display()))
}

fn header(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("corpus file is readable");
    let text = String::from_utf8_lossy(&bytes);
    text.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn valid_inputs_check_clean() {
    insta::glob!("../inputs/ok", "*.mproto", |path| {
        let compilation = compile(path, "inputs");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let warnings_expected = name.starts_with("warn_");
        let model = compilation.model.as_ref().unwrap_or_else(|| {
            panic!(
                "{name} should be valid:\n{}",
                compilation.render_diagnostics()
            )
        });
        let has_warnings = compilation
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning);
        assert_eq!(
            has_warnings,
            warnings_expected,
            "{name}: only warn_* files may warn:\n{}",
            compilation.render_diagnostics()
        );
        if warnings_expected {
            insta::assert_snapshot!("warnings", compilation.render_diagnostics());
        }
        let json = serde_json::to_string_pretty(model).expect("the model serializes");
        insta::assert_snapshot!("model", json);
    });
}

#[test]
fn invalid_inputs_report_their_rule() {
    insta::glob!("../inputs/fail", "*.mproto", |path| {
        let line = header(path);
        let code = line
            .strip_prefix("// fail: ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{}: first line must be `// fail: CODE …`", path.display()));
        let compilation = compile(path, "inputs");
        assert!(
            !compilation.is_ok(),
            "{} should be rejected",
            path.display()
        );
        let rendered = compilation.render_diagnostics();
        assert!(
            compilation
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error && d.code.name == code),
            "{} should report {code}, got:\n{rendered}",
            path.display()
        );
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn canonical_protocols_check_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../protocols");
    let mut files = Vec::new();
    collect(&root, &mut files);
    assert!(files.len() >= 4, "protocols/ holds the canonical files");
    for file in files {
        let mut compiler = Compiler::from_fs();
        compiler.include(&root);
        let compilation = compiler.compile(&[&file]).expect("protocol file opens");
        assert!(
            compilation.diagnostics.is_empty(),
            "{} must check clean:\n{}",
            file.display(),
            compilation.render_diagnostics()
        );
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("protocols/ exists") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "mproto") {
            out.push(path);
        }
    }
    out.sort();
}
