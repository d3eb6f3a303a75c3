//! Generating from a build script.

use std::fmt;
use std::path::{Path, PathBuf};

use machproto_idl::Compiler;

/// Generates Rust from protocol files in a `build.rs`: one
/// `<file stem>.rs` per root file in `$OUT_DIR` (or [`Builder::out_dir`]),
/// and a `cargo:rerun-if-changed` line for every file read, imports
/// included.
///
/// ```no_run
/// // In build.rs's `main`:
/// machproto_codegen::Builder::new()
///     .include("protocols")
///     .compile(&["protocols/fileserver.mproto"])
///     .unwrap_or_else(|error| panic!("{error}"));
/// ```
///
/// and in the crate: `include!(concat!(env!("OUT_DIR"), "/fileserver.rs"));`
#[derive(Debug, Default)]
pub struct Builder {
    include: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
}

/// Why a build did not generate.
#[derive(Debug)]
pub enum BuildError {
    /// A root file could not be read.
    Unreadable(String),
    /// The protocol files have errors; the rendered diagnostics.
    Invalid(String),
    /// No output directory (`OUT_DIR` unset and none given).
    NoOutDir,
    /// Writing the output failed.
    Write(PathBuf, std::io::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Unreadable(error) => write!(f, "{error}"),
            BuildError::Invalid(diagnostics) => {
                write!(f, "invalid protocol files:\n{diagnostics}")
            }
            BuildError::NoOutDir => write!(f, "OUT_DIR is not set; give Builder::out_dir"),
            BuildError::Write(path, error) => {
                write!(f, "cannot write `{}`: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    /// A builder with no include directories, writing to `$OUT_DIR`.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Searches `dir` for imports (after the importing file's directory).
    pub fn include(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.include.push(dir.into());
        self
    }

    /// Writes into `dir` instead of `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates each of `files`.
    pub fn compile(self, files: &[impl AsRef<Path>]) -> Result<(), BuildError> {
        let out_dir = match self.out_dir.clone() {
            Some(dir) => dir,
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let mut compiler = Compiler::from_fs();
        for dir in &self.include {
            compiler.include(dir);
        }
        for file in files {
            let file = file.as_ref();
            println!("cargo:rerun-if-changed={}", file.display());
            let compilation = compiler.compile(&[file]).map_err(|failures| {
                let text: Vec<String> = failures.iter().map(ToString::to_string).collect();
                BuildError::Unreadable(text.join("\n"))
            })?;
            for (_, source) in compilation.sources.files() {
                println!("cargo:rerun-if-changed={}", source.id.display());
            }
            let model = match &compilation.model {
                Some(model) if compilation.is_ok() => model,
                _ => return Err(BuildError::Invalid(compilation.render_diagnostics())),
            };
            let rust = crate::generate(model, &file.display().to_string());
            let stem = file.file_stem().unwrap_or_default().to_string_lossy();
            let path = out_dir.join(format!("{stem}.rs"));
            std::fs::write(&path, rust).map_err(|error| BuildError::Write(path, error))?;
        }
        Ok(())
    }
}
