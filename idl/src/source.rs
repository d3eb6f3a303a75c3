//! The files of one compilation, and where their bytes come from.

use std::collections::BTreeMap;
use std::io;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use codespan_reporting::files::{Error as FilesError, Files};

use crate::span::FileId;

/// Reads protocol files. The compiler never touches the file system directly,
/// so tests, fuzzing and benchmarks can compile from memory.
pub trait Loader {
    /// A stable identity for `path`, used to tell whether two imports name the
    /// same file. `Err` means there is no such file.
    fn identify(&self, path: &Path) -> io::Result<PathBuf>;
    /// The bytes of the file with identity `id`.
    fn read(&self, id: &Path) -> io::Result<Vec<u8>>;
}

/// Reads from the file system; identities are canonical paths.
#[derive(Debug, Default, Clone, Copy)]
pub struct FsLoader;

impl Loader for FsLoader {
    fn identify(&self, path: &Path) -> io::Result<PathBuf> {
        let canonical = std::fs::canonicalize(path)?;
        if canonical.is_dir() {
            return Err(io::Error::other("is a directory"));
        }
        Ok(canonical)
    }

    fn read(&self, id: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(id)
    }
}

/// Files held in memory, keyed by lexically normalized path.
#[derive(Debug, Default, Clone)]
pub struct MemoryLoader {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryLoader {
    /// An empty set of files.
    #[must_use]
    pub fn new() -> MemoryLoader {
        MemoryLoader::default()
    }

    /// Adds (or replaces) the file at `path`.
    pub fn add(&mut self, path: impl AsRef<Path>, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(normalize(path.as_ref()), bytes.into());
        self
    }
}

impl Loader for MemoryLoader {
    fn identify(&self, path: &Path) -> io::Result<PathBuf> {
        let key = normalize(path);
        if self.files.contains_key(&key) {
            Ok(key)
        } else {
            Err(io::Error::from(io::ErrorKind::NotFound))
        }
    }

    fn read(&self, id: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(id)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

/// Removes `.` and resolves `..` without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// One loaded file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user (or an import) wrote it, normalized; shown in diagnostics.
    pub name: String,
    /// The loader's identity of the file.
    pub id: PathBuf,
    /// The text; invalid UTF-8 is replaced for display only (such a file is rejected).
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(name: String, id: PathBuf, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        SourceFile {
            name,
            id,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let end = offset.min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(1, |s| s.chars().count() + 1);
        (line + 1, column)
    }

    fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }
}

/// Every file of a compilation, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    #[must_use]
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: String, id: PathBuf, text: String) -> FileId {
        let file_id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(name, id, text));
        file_id
    }

    /// The file with this id.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    /// All files, in the order they were loaded.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (FileId(index as u32), file))
    }

    fn get(&self, id: FileId) -> Result<&SourceFile, FilesError> {
        self.files.get(id.index()).ok_or(FilesError::FileMissing)
    }
}

impl<'a> Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.get(id)?.line_index(byte_index))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.get(id)?;
        let start = *file
            .line_starts
            .get(line_index)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: file.line_starts.len() - 1,
            })?;
        let end = file
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}
