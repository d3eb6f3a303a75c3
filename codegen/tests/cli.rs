//! The `machproto` binary: exit codes, output streams and `ir`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn machproto(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_machproto"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("the machproto binary runs")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("machproto-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write scratch file");
    path
}

fn code(output: &Output) -> i32 {
    output
        .status
        .code()
        .expect("exited normally, not by a signal")
}

#[test]
fn valid_files_exit_zero_silently() {
    let output = machproto(&[
        "check",
        "-I",
        "protocols",
        "protocols/gfx/compositor.mproto",
        "protocols/fileserver.mproto",
    ]);
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn invalid_file_exits_one_with_a_located_diagnostic() {
    let path = scratch("dup.mproto", b"package a;\nstruct S { x: u8, x: u16 }\n");
    let output = machproto(&["check", path.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error[E0204]: field `x` is declared twice"),
        "{stderr}"
    );
    assert!(stderr.contains("dup.mproto:2:19"), "{stderr}");
    assert!(stderr.contains("first declared here"), "{stderr}");
}

#[test]
fn hostile_inputs_exit_zero_or_one() {
    let deep = format!(
        "package d;\nstruct S {{ f: {}u8{} }}\n",
        "vec<".repeat(10_000),
        ">".repeat(10_000)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.mproto", Vec::new()),
        ("deep.mproto", deep.into_bytes()),
        (
            "parens.mproto",
            format!("package p;\n{}", "(".repeat(10_000)).into_bytes(),
        ),
        ("utf8.mproto", b"package a;\n\xff\xfe".to_vec()),
        (
            "random.mproto",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
        ),
    ];
    for (name, bytes) in cases {
        let path = scratch(name, &bytes);
        let output = machproto(&["check", path.to_str().unwrap()]);
        assert_eq!(
            code(&output),
            1,
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("error["),
            "{name}"
        );
    }
}

#[test]
fn usage_and_unopenable_files_exit_two() {
    assert_eq!(code(&machproto(&["check"])), 2);
    assert_eq!(code(&machproto(&["frobnicate"])), 2);
    let output = machproto(&["check", "-I", "no/such/dir", "protocols/fileserver.mproto"]);
    assert_eq!(code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("include directory `no/such/dir`"));
    let output = machproto(&["check", "no/such/file.mproto"]);
    assert_eq!(code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot open `no/such/file.mproto`"));
}

#[test]
fn warnings_do_not_change_the_exit_code() {
    let path = scratch("warn.mproto", b"package a;\nstruct lower_case { x: u8 }\n");
    let output = machproto(&["check", path.to_str().unwrap()]);
    assert_eq!(code(&output), 0);
    assert!(String::from_utf8_lossy(&output.stderr).contains("warning[W0201]"));
}

#[test]
fn ir_prints_the_model_as_json() {
    let output = machproto(&["ir", "-I", "protocols", "protocols/fileserver.mproto"]);
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert!(json["protocols"].as_array().is_some_and(|p| !p.is_empty()));
    assert!(json["packages"][0]["name"].is_string());
}

#[test]
fn help_explains_the_commands_and_exit_codes() {
    let output = machproto(&["--help"]);
    assert_eq!(code(&output), 0);
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in ["check", "ir", "Exit status"] {
        assert!(
            help.contains(needle),
            "--help should mention {needle}:\n{help}"
        );
    }
}

#[test]
fn gen_on_an_invalid_file_prints_what_check_prints_and_exits_one() {
    let path = scratch(
        "gen_dup.mproto",
        b"package a;\nstruct S { x: u8, x: u16 }\n",
    );
    let path = path.to_str().unwrap();
    let checked = machproto(&["check", path]);
    let generated = machproto(&["gen", path]);
    assert_eq!(code(&generated), 1);
    assert_eq!(generated.stderr, checked.stderr);
    assert!(generated.stdout.is_empty(), "no code for an invalid file");
}

#[test]
fn gen_writes_one_file_per_root_into_the_output_directory() {
    let out = std::env::temp_dir().join(format!("machproto-gen-{}", std::process::id()));
    let output = machproto(&[
        "gen",
        "-I",
        "protocols",
        "protocols/fileserver.mproto",
        "protocols/gfx/compositor.mproto",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fileserver = std::fs::read_to_string(out.join("fileserver.rs")).unwrap();
    assert!(
        fileserver.starts_with("// @generated by machproto from `protocols/fileserver.mproto`")
    );
    assert!(fileserver.contains("pub mod fs_server"));
    let compositor = std::fs::read_to_string(out.join("compositor.rs")).unwrap();
    // The imported packages come along, as sibling modules.
    for module in [
        "pub mod gfx_compositor",
        "pub mod gfx_texture",
        "pub mod gfx_vsync",
    ] {
        assert!(compositor.contains(module), "{module}");
    }
    let _ = std::fs::remove_dir_all(out);
}
