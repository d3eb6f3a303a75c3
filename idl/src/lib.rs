//! The front end of the machproto protocol compiler: `.mproto` text to a
//! checked [`Model`], or to diagnostics that say what is wrong and where.
//!
//! ```
//! use machproto_idl::{Compiler, MemoryLoader};
//!
//! let mut files = MemoryLoader::new();
//! files.add(
//!     "gfx/texture.mproto",
//!     r#"
//!     package gfx.texture;
//!
//!     /// A texture the content process draws into.
//!     protocol Texture {
//!         manager Compositor;
//!     child:
//!         async Update(pixels: shmem);
//!     both:
//!         async delete();
//!     }
//!
//!     protocol Compositor {
//!         manages Texture;
//!     parent:
//!         async Texture(id: u64);
//!     }
//!     "#,
//! );
//! let compilation = Compiler::new(files)
//!     .compile(&["gfx/texture.mproto"])
//!     .expect("the root file exists");
//! assert!(compilation.diagnostics.is_empty(), "{}", compilation.render_diagnostics());
//! let model = compilation.model.expect("valid files give a model");
//! let texture = model.protocols.iter().find(|p| p.info.name == "Texture").unwrap();
//! assert!(texture.is_managed());
//! assert_eq!(texture.messages[0].name, "Update");
//! ```
//!
//! The pipeline runs in phases — parse, resolve, check — and reports every
//! problem of a phase before it stops ([`Diagnostics`]). No input makes it
//! panic: nesting is limited before the recursive-descent parser runs, and
//! every later pass over declarations is iterative or bounded by that limit.

pub mod ast;
mod check;
pub mod diag;
mod load;
pub mod model;
pub mod names;
mod parse;
mod resolve;
mod source;
mod span;
mod validate;

use std::io;
use std::path::{Path, PathBuf};

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use model::Model;
pub use source::{FsLoader, Loader, MemoryLoader, SourceFile, SourceMap};
pub use span::{FileId, Span};

/// Compiles protocol files with one [`Loader`] and a list of include directories.
#[derive(Debug)]
pub struct Compiler<L: Loader = FsLoader> {
    loader: L,
    include_dirs: Vec<PathBuf>,
}

/// A root file that could not be opened: a usage problem, not a diagnostic.
#[derive(Debug)]
pub struct RootError {
    /// The path as given.
    pub path: PathBuf,
    /// Why it could not be opened.
    pub error: io::Error,
}

impl std::fmt::Display for RootError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot open `{}`: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for RootError {}

/// The result of compiling: every file read, every diagnostic, and the model
/// when no error was found.
#[derive(Debug)]
pub struct Compilation {
    /// Every file read, roots and imports.
    pub sources: SourceMap,
    /// Errors and warnings, sorted by position.
    pub diagnostics: Diagnostics,
    /// The checked model; `Some` exactly when there is no error.
    pub model: Option<Model>,
}

impl Compilation {
    /// Whether the files are valid (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.model.is_some()
    }

    /// The diagnostics rendered without colour, as `file:line:col` reports.
    pub fn render_diagnostics(&self) -> String {
        self.diagnostics.render_plain(&self.sources)
    }
}

impl Compiler<FsLoader> {
    /// A compiler reading from the file system.
    #[must_use]
    pub fn from_fs() -> Compiler<FsLoader> {
        Compiler::new(FsLoader)
    }
}

impl<L: Loader> Compiler<L> {
    /// A compiler reading through `loader`.
    #[must_use]
    pub fn new(loader: L) -> Compiler<L> {
        Compiler {
            loader,
            include_dirs: Vec::new(),
        }
    }

    /// Adds an include directory, searched after the importing file's own
    /// directory, in the order added (L6).
    pub fn include(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.include_dirs.push(dir.into());
        self
    }

    /// Compiles `roots` and everything they import.
    pub fn compile(&self, roots: &[impl AsRef<Path>]) -> Result<Compilation, Vec<RootError>> {
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let loaded = load::load(
            &self.loader,
            &self.include_dirs,
            roots,
            &mut sources,
            &mut diags,
        )?;
        let model = compile_loaded(&loaded, &mut diags);
        diags.sort();
        Ok(Compilation {
            sources,
            diagnostics: diags,
            model,
        })
    }
}

fn compile_loaded(loaded: &load::Loaded, diags: &mut Diagnostics) -> Option<Model> {
    for file in loaded.files.iter().flatten() {
        validate::validate_file(file, diags);
    }
    if diags.has_errors() {
        return None;
    }
    let model = resolve::resolve(loaded, diags);
    if diags.has_errors() {
        return None;
    }
    let mut model = model;
    check::check(&mut model, diags);
    if diags.has_errors() {
        None
    } else {
        Some(model)
    }
}

/// Compiles one in-memory file named `name` (imports resolve against nothing
/// else). The convenience entry for tests, fuzzing and tools.
pub fn check_source(name: &str, bytes: &[u8]) -> Compilation {
    let mut files = MemoryLoader::new();
    files.add(name, bytes);
    match Compiler::new(files).compile(&[name]) {
        Ok(compilation) => compilation,
        // The file was just added, so it can always be opened.
        Err(_) => Compilation {
            sources: SourceMap::new(),
            diagnostics: Diagnostics::new(),
            model: None,
        },
    }
}
