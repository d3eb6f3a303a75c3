//! Name lookup (L7): which declarations a file sees, and what a simple or
//! package-qualified name refers to.

use std::collections::{HashMap, HashSet};

use crate::ast::Path;
use crate::load::Loaded;
use crate::model::{ConstId, PackageId, ProtocolId, TypeId};
use crate::span::{FileId, Span};

/// A top-level declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DeclRef {
    Type(TypeId),
    Protocol(ProtocolId),
    Const(ConstId),
}

#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) package: PackageId,
    pub(crate) file: FileId,
    pub(crate) span: Span,
    pub(crate) decl: DeclRef,
}

/// What a lookup found.
pub(crate) enum Found<'a> {
    One(&'a Entry),
    /// Several visible declarations share the simple name.
    Ambiguous(Vec<&'a Entry>),
    /// A qualified name of a declaration the file does not import.
    NotImported(&'a Entry),
    Nothing,
}

#[derive(Debug, Default)]
pub(crate) struct Scopes {
    pub(crate) package_of_file: Vec<PackageId>,
    pub(crate) package_names: Vec<String>,
    entries: Vec<Entry>,
    /// (package, name) to entry, for qualified names.
    qualified: HashMap<(PackageId, String), usize>,
    /// Entries declared in each file.
    by_file: HashMap<FileId, Vec<usize>>,
    /// Per file: the files whose declarations it sees (itself and its direct imports).
    visible_files: Vec<HashSet<FileId>>,
    /// Per file: simple name to visible entries.
    simple: Vec<HashMap<String, Vec<usize>>>,
    package_by_name: HashMap<String, PackageId>,
}

impl Scopes {
    pub(crate) fn add(
        &mut self,
        file: FileId,
        package: PackageId,
        name: &str,
        span: Span,
        decl: DeclRef,
    ) {
        let index = self.entries.len();
        self.entries.push(Entry {
            name: name.to_owned(),
            package,
            file,
            span,
            decl,
        });
        self.qualified.insert((package, name.to_owned()), index);
        self.by_file.entry(file).or_default().push(index);
    }

    pub(crate) fn build_visibility(&mut self, loaded: &Loaded, package_names: Vec<String>) {
        self.package_by_name = package_names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.clone(), PackageId(i as u32)))
            .collect();
        self.package_names = package_names;
        for (index, imports) in loaded.imports.iter().enumerate() {
            let file = FileId(index as u32);
            let mut visible: HashSet<FileId> = imports.iter().map(|(f, _)| *f).collect();
            visible.insert(file);
            let mut simple: HashMap<String, Vec<usize>> = HashMap::new();
            // Sorted so that candidate lists in diagnostics are deterministic.
            let mut sorted: Vec<FileId> = visible.iter().copied().collect();
            sorted.sort();
            for seen in sorted {
                for &entry in self.by_file.get(&seen).into_iter().flatten() {
                    simple
                        .entry(self.entries[entry].name.clone())
                        .or_default()
                        .push(entry);
                }
            }
            self.visible_files.push(visible);
            self.simple.push(simple);
        }
    }

    /// Looks `path` up from `file`.
    pub(crate) fn find(&self, file: FileId, path: &Path) -> Found<'_> {
        let name = &path.last().name;
        if path.segments.len() == 1 {
            let candidates = self.simple[file.index()].get(name.as_str());
            return match candidates.map(Vec::as_slice) {
                None | Some([]) => Found::Nothing,
                Some([one]) => Found::One(&self.entries[*one]),
                Some(many) => Found::Ambiguous(many.iter().map(|&i| &self.entries[i]).collect()),
            };
        }
        let Some(&package) = self.package_by_name.get(&path.qualifier()) else {
            return Found::Nothing;
        };
        match self.qualified.get(&(package, name.clone())) {
            Some(&entry)
                if self.visible_files[file.index()].contains(&self.entries[entry].file) =>
            {
                Found::One(&self.entries[entry])
            }
            Some(&entry) => Found::NotImported(&self.entries[entry]),
            None => Found::Nothing,
        }
    }

    /// Simple names visible from `file`, for suggestions.
    pub(crate) fn visible_names(&self, file: FileId) -> impl Iterator<Item = &str> {
        self.simple[file.index()].keys().map(String::as_str)
    }

    /// A protocol named `name` in `package` or visible from `file`.
    pub(crate) fn protocols_named(
        &self,
        name: &str,
        file: FileId,
        package: PackageId,
    ) -> Option<ProtocolId> {
        let in_package = self.qualified.get(&(package, name.to_owned()));
        let visible = self.simple[file.index()].get(name).into_iter().flatten();
        in_package
            .into_iter()
            .chain(visible)
            .find_map(|&i| match self.entries[i].decl {
                DeclRef::Protocol(id) => Some(id),
                _ => None,
            })
    }

    /// The dotted package name of an entry plus its name.
    pub(crate) fn qualified_name(&self, entry: &Entry) -> String {
        format!(
            "{}.{}",
            self.package_names[entry.package.index()],
            entry.name
        )
    }
}
