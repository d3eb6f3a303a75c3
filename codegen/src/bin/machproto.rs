//! `machproto`: check protocol files, print their checked model, generate
//! Rust from them.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use machproto_idl::{Compilation, Compiler, Severity};

/// The machproto protocol compiler.
///
/// Protocol files (`.mproto`) declare two-sided actor protocols whose messages
/// carry plain data and operating-system rights. This tool checks them and
/// prints what it learnt.
///
/// Exit status: 0 when every file is valid (warnings allowed), 1 when any
/// error was reported, 2 for a malformed command line or a FILE that cannot
/// be opened.
#[derive(Debug, Parser)]
#[command(name = "machproto", version, about, long_about)]
struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check protocol files and report every problem.
    ///
    /// Example: `machproto check -I protocols protocols/gfx/compositor.mproto`
    Check {
        #[command(flatten)]
        input: Input,
    },
    /// Print the checked model of a protocol file (and its imports) as JSON.
    ///
    /// The JSON format is unstable: it follows the compiler's internal model
    /// and may change in any release (see docs/ir.md).
    Ir {
        /// Directories to search for imports, after the importing file's own
        /// directory, in order.
        #[arg(short = 'I', long = "include", value_name = "DIR")]
        include: Vec<PathBuf>,
        /// The protocol file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Generate Rust from protocol files (one `.rs` file per FILE, holding
    /// a module for each package it and its imports declare).
    ///
    /// Example: `machproto gen -I protocols protocols/fileserver.mproto -o src/gen`
    Gen {
        #[command(flatten)]
        input: Input,
        /// Write `<FILE stem>.rs` files into this directory instead of
        /// printing to standard output.
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct Input {
    /// Directories to search for imports, after the importing file's own
    /// directory, in order.
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    include: Vec<PathBuf>,
    /// Protocol files to check; their imports are checked too.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { input } => {
            let Some(compilation) = compile(&input.include, &input.files) else {
                return ExitCode::from(2);
            };
            report(&compilation, cli.color);
            status(&compilation)
        }
        Command::Ir { include, file } => {
            let Some(compilation) = compile(&include, std::slice::from_ref(&file)) else {
                return ExitCode::from(2);
            };
            report(&compilation, cli.color);
            if let Some(model) = &compilation.model {
                match serde_json::to_string_pretty(model) {
                    Ok(json) => println!("{json}"),
                    Err(error) => {
                        eprintln!("error: cannot serialize the model: {error}");
                        return ExitCode::from(1);
                    }
                }
            }
            status(&compilation)
        }
        Command::Gen { input, out } => generate(&input, out.as_deref(), cli.color),
    }
}

/// Generates each root file separately; stops at the first that fails.
fn generate(input: &Input, out: Option<&std::path::Path>, color: Color) -> ExitCode {
    if let Some(dir) = out {
        if let Err(error) = std::fs::create_dir_all(dir) {
            eprintln!("error: cannot create `{}`: {error}", dir.display());
            return ExitCode::from(2);
        }
    }
    for file in &input.files {
        let Some(compilation) = compile(&input.include, std::slice::from_ref(file)) else {
            return ExitCode::from(2);
        };
        report(&compilation, color);
        let Some(model) = compilation.model.as_ref().filter(|_| compilation.is_ok()) else {
            return ExitCode::from(1);
        };
        let rust = machproto_codegen::generate(model, &file.display().to_string());
        match out {
            Some(dir) => {
                let stem = file.file_stem().unwrap_or_default().to_string_lossy();
                let path = dir.join(format!("{stem}.rs"));
                if let Err(error) = std::fs::write(&path, rust) {
                    eprintln!("error: cannot write `{}`: {error}", path.display());
                    return ExitCode::from(2);
                }
            }
            None => print!("{rust}"),
        }
    }
    ExitCode::SUCCESS
}

fn compile(include: &[PathBuf], files: &[PathBuf]) -> Option<Compilation> {
    let mut compiler = Compiler::from_fs();
    for dir in include {
        if !dir.is_dir() {
            eprintln!(
                "error: include directory `{}` does not exist",
                dir.display()
            );
            return None;
        }
        compiler.include(dir);
    }
    match compiler.compile(files) {
        Ok(compilation) => Some(compilation),
        Err(failures) => {
            for failure in failures {
                eprintln!("error: {failure}");
            }
            None
        }
    }
}

fn report(compilation: &Compilation, color: Color) {
    let choice = match color {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto if std::io::stderr().is_terminal() => ColorChoice::Auto,
        Color::Auto => ColorChoice::Never,
    };
    let mut stderr = StandardStream::stderr(choice);
    compilation
        .diagnostics
        .write(&compilation.sources, &mut stderr);
    let errors = compilation.diagnostics.error_count();
    let warnings = compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if errors > 0 {
        eprintln!(
            "error: {} ({})",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
    } else if warnings > 0 {
        eprintln!("warning: {}", plural(warnings, "warning"));
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

fn status(compilation: &Compilation) -> ExitCode {
    if compilation.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
