//! Reading the root files and everything they import (L6), and finding
//! import cycles. Files are loaded breadth-first and each is read once, so a
//! file imported from many places (or in a cycle) is parsed once.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use crate::RootError;
use crate::ast::{self, ItemKind, LiteralKind};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::parse::parse_file;
use crate::source::{Loader, SourceMap, normalize};
use crate::span::{FileId, Span};

/// The parsed files of a compilation, indexed by [`FileId`].
#[derive(Debug)]
pub(crate) struct Loaded {
    /// `None` where a file could not be parsed (already reported).
    pub(crate) files: Vec<Option<ast::File>>,
    /// Direct imports of each file, with the span of the path string.
    pub(crate) imports: Vec<Vec<(FileId, Span)>>,
    /// Each file's name as shown in diagnostics.
    pub(crate) names: Vec<String>,
}

struct Load<'a, L: Loader> {
    loader: &'a L,
    include_dirs: &'a [PathBuf],
    sources: &'a mut SourceMap,
    diags: &'a mut Diagnostics,
    by_identity: HashMap<PathBuf, FileId>,
    loaded: Loaded,
    queue: VecDeque<FileId>,
}

pub(crate) fn load<L: Loader>(
    loader: &L,
    include_dirs: &[PathBuf],
    roots: &[impl AsRef<Path>],
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<Loaded, Vec<RootError>> {
    let mut load = Load {
        loader,
        include_dirs,
        sources,
        diags,
        by_identity: HashMap::new(),
        loaded: Loaded {
            files: Vec::new(),
            imports: Vec::new(),
            names: Vec::new(),
        },
        queue: VecDeque::new(),
    };
    let mut failures = Vec::new();
    for root in roots {
        let path = root.as_ref();
        if let Err(error) = load.root(path) {
            failures.push(RootError {
                path: path.to_path_buf(),
                error,
            });
        }
    }
    if !failures.is_empty() {
        return Err(failures);
    }
    while let Some(file) = load.queue.pop_front() {
        load.follow_imports(file);
    }
    report_cycles(&load.loaded, load.sources, load.diags);
    Ok(load.loaded)
}

impl<L: Loader> Load<'_, L> {
    fn root(&mut self, path: &Path) -> std::io::Result<FileId> {
        let identity = self.loader.identify(path)?;
        let bytes = self.loader.read(&identity)?;
        let file = self.add(path, identity, bytes);
        if !has_extension(path) {
            let name = self.sources.file(file).name.clone();
            self.diags.push(
                Diagnostic::error(
                    codes::BAD_EXTENSION,
                    Span::new(file, 0..0),
                    format!("`{name}` is not a `.mproto` file"),
                )
                .help("protocol files are named with the `.mproto` extension"),
            );
        }
        Ok(file)
    }

    /// Registers and parses a file unless it is already known.
    fn add(&mut self, shown: &Path, identity: PathBuf, bytes: Vec<u8>) -> FileId {
        if let Some(&known) = self.by_identity.get(&identity) {
            return known;
        }
        let name = normalize(shown).display().to_string();
        let (text, invalid_at) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(error.as_bytes()).into_owned(),
                    Some(at),
                )
            }
        };
        self.loaded.names.push(name.clone());
        let file = self.sources.add(name, identity.clone(), text);
        self.by_identity.insert(identity, file);
        let parsed = match invalid_at {
            Some(at) => {
                self.diags.push(
                    Diagnostic::error(
                        codes::INVALID_UTF8,
                        Span::new(file, at..at + 1),
                        "file is not valid UTF-8",
                    )
                    .label("first invalid byte")
                    .help("protocol files are UTF-8 text"),
                );
                None
            }
            None => parse_file(file, &self.sources.file(file).text, self.diags),
        };
        self.loaded.files.push(parsed);
        self.loaded.imports.push(Vec::new());
        self.queue.push_back(file);
        file
    }

    fn follow_imports(&mut self, file: FileId) {
        let Some(ast) = &self.loaded.files[file.index()] else {
            return;
        };
        let requests: Vec<(String, Span)> = ast
            .items
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Import(literal) => match &literal.kind {
                    LiteralKind::Str(path) => Some((path.clone(), literal.span)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let base = Path::new(&self.sources.file(file).name)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for (written, span) in requests {
            if let Some(target) = self.import(&base, &written, span) {
                self.loaded.imports[file.index()].push((target, span));
            }
        }
    }

    fn import(&mut self, base: &Path, written: &str, span: Span) -> Option<FileId> {
        if !has_extension(Path::new(written)) {
            self.diags.push(
                Diagnostic::error(
                    codes::BAD_EXTENSION,
                    span,
                    format!("`{written}` is not a `.mproto` file"),
                )
                .label("imported here")
                .help("protocol files are named with the `.mproto` extension"),
            );
            return None;
        }
        let candidates: Vec<PathBuf> = std::iter::once(base.join(written))
            .chain(self.include_dirs.iter().map(|dir| dir.join(written)))
            .map(|path| normalize(&path))
            .collect();
        for candidate in &candidates {
            let Ok(identity) = self.loader.identify(candidate) else {
                continue;
            };
            if let Some(&known) = self.by_identity.get(&identity) {
                return Some(known);
            }
            return match self.loader.read(&identity) {
                Ok(bytes) => Some(self.add(candidate, identity, bytes)),
                Err(error) => {
                    self.diags.push(
                        Diagnostic::error(
                            codes::IMPORT_UNREADABLE,
                            span,
                            format!("cannot read `{}`: {error}", candidate.display()),
                        )
                        .label("imported here"),
                    );
                    None
                }
            };
        }
        let tried: Vec<String> = candidates
            .iter()
            .map(|c| format!("`{}`", c.display()))
            .collect();
        let mut diagnostic = Diagnostic::error(
            codes::IMPORT_NOT_FOUND,
            span,
            format!("cannot find `{written}`"),
        )
        .label(format!("looked in {}", tried.join(", ")));
        if self.include_dirs.is_empty() {
            diagnostic = diagnostic.help("add the directory that holds it with `-I DIR`");
        }
        self.diags.push(diagnostic);
        None
    }
}

fn has_extension(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "mproto")
}

/// Reports each import cycle once, at the import that closes it. Iterative
/// depth-first search, so long import chains cannot exhaust the stack.
fn report_cycles(loaded: &Loaded, sources: &SourceMap, diags: &mut Diagnostics) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let count = loaded.imports.len();
    let mut mark = vec![Mark::New; count];
    for start in 0..count {
        if mark[start] != Mark::New {
            continue;
        }
        // Stack of (file, index of the next import to follow).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::Active;
        while let Some(&(file, next)) = stack.last() {
            let Some(&(target, span)) = loaded.imports[file].get(next) else {
                mark[file] = Mark::Done;
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            match mark[target.index()] {
                Mark::New => {
                    mark[target.index()] = Mark::Active;
                    stack.push((target.index(), 0));
                }
                Mark::Active => {
                    let from = stack
                        .iter()
                        .position(|&(f, _)| f == target.index())
                        .unwrap_or(0);
                    let chain: Vec<usize> = stack[from..].iter().map(|&(f, _)| f).collect();
                    diags.push(cycle_diagnostic(&chain, target, span, loaded, sources));
                }
                Mark::Done => {}
            }
        }
    }
}

fn cycle_diagnostic(
    chain: &[usize],
    target: FileId,
    span: Span,
    loaded: &Loaded,
    sources: &SourceMap,
) -> Diagnostic {
    let mut names: Vec<&str> = chain
        .iter()
        .map(|&f| sources.file(FileId(f as u32)).name.as_str())
        .collect();
    names.push(&sources.file(target).name);
    let mut diagnostic = Diagnostic::error(
        codes::IMPORT_CYCLE,
        span,
        format!("import cycle: {}", crate::diag::arrow_chain(&names)),
    )
    .label("this import closes the cycle")
    .help("move the declarations both files need into a third file that both import");
    // Point at the other imports of the cycle too.
    for pair in chain.windows(2).take(8) {
        if let Some(&(_, other)) = loaded.imports[pair[0]]
            .iter()
            .find(|(t, _)| t.index() == pair[1])
        {
            diagnostic = diagnostic.secondary(other, "imported here");
        }
    }
    diagnostic
}
