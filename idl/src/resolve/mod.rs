//! Syntax trees to the [`Model`]: packages, declarations, and every name
//! resolved (L6, L7, L18). Names are looked up per file: a file sees its own
//! declarations and those of the files it imports directly.

mod consts;
mod lookup;
mod protocols;
mod types;

use std::collections::{BTreeMap, HashMap};

use crate::ast::{self, ItemKind};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::load::Loaded;
use crate::model::*;
use crate::span::{FileId, Span};
use lookup::{DeclRef, Scopes};

pub(crate) fn resolve(loaded: &Loaded, diags: &mut Diagnostics) -> Model {
    let files: Vec<&ast::File> = loaded.files.iter().flatten().collect();
    let mut resolver = Resolver {
        diags,
        model: Model::default(),
        scopes: Scopes::default(),
        managed: Vec::new(),
    };
    resolver.packages(loaded, &files);
    let items = resolver.declare(&files);
    let package_names = resolver
        .model
        .packages
        .iter()
        .map(|p| p.name.clone())
        .collect();
    resolver.scopes.build_visibility(loaded, package_names);
    resolver.check_side_names();
    // Order of declarations has no meaning (L18), but bounds need constant
    // values: integer constants first (their types have no bounds), then
    // the other constants, then everything else.
    let rank = |item: &ast::Item| match &item.kind {
        ItemKind::Const(c) if !matches!(c.ty.kind, ast::TypeKind::String(Some(_))) => 0,
        ItemKind::Const(_) => 1,
        _ => 2,
    };
    let mut ordered: Vec<&(FileId, &ast::Item, DeclRef)> = items.iter().collect();
    ordered.sort_by_key(|(_, item, _)| rank(item));
    for (file, item, decl) in ordered {
        resolver.define(*file, item, *decl);
    }
    resolver.model
}

pub(crate) struct Resolver<'d> {
    diags: &'d mut Diagnostics,
    model: Model,
    scopes: Scopes,
    /// Whether each protocol has a `manager` clause, known before its
    /// clauses are resolved (L10's endpoint checks need it).
    managed: Vec<bool>,
}

fn id_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl Resolver<'_> {
    fn packages(&mut self, loaded: &Loaded, files: &[&ast::File]) {
        let mut by_name: BTreeMap<String, Vec<FileId>> = BTreeMap::new();
        for file in files {
            let name = package_of(file).map(ast::Path::dotted).unwrap_or_default();
            by_name.entry(name).or_default().push(file.id);
        }
        let mut package_of_file = vec![PackageId(0); loaded.files.len()];
        for (index, (name, members)) in by_name.into_iter().enumerate() {
            for file in &members {
                package_of_file[file.index()] = PackageId(id_u32(index));
            }
            self.model.packages.push(Package {
                path: name.split('.').map(str::to_owned).collect(),
                name,
                files: members,
                types: Vec::new(),
                protocols: Vec::new(),
                consts: Vec::new(),
            });
        }
        for (index, file) in loaded.files.iter().enumerate() {
            self.model.files.push(FileInfo {
                name: loaded.names[index].clone(),
                package: package_of_file[index],
                docs: file.as_ref().map(file_docs).unwrap_or_default(),
                imports: loaded.imports[index].iter().map(|(f, _)| *f).collect(),
            });
        }
        self.scopes.package_of_file = package_of_file;
    }

    /// Allocates every declaration (contents filled in by `define`) and
    /// reports names declared twice in a package (L18).
    fn declare<'a>(&mut self, files: &[&'a ast::File]) -> Vec<(FileId, &'a ast::Item, DeclRef)> {
        let mut first: HashMap<(PackageId, &str), Span> = HashMap::new();
        let mut items = Vec::new();
        for file in files {
            let package = self.scopes.package_of_file[file.id.index()];
            for item in &file.items {
                let Some(name) = item.kind.name() else {
                    continue;
                };
                if let Some(&earlier) = first.get(&(package, name.name.as_str())) {
                    self.diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE_DECLARATION,
                            name.span,
                            format!(
                                "`{}` is declared twice in package `{}`",
                                name.name,
                                self.model.packages[package.index()].name
                            ),
                        )
                        .label(format!(
                            "second {} named `{}`",
                            item.kind.describe(),
                            name.name
                        ))
                        .secondary(earlier, "first declared here"),
                    );
                    continue;
                }
                first.insert((package, &name.name), name.span);
                let info = DeclInfo {
                    name: name.name.clone(),
                    package,
                    docs: item.meta.docs.clone(),
                    deprecated: deprecation(&item.meta),
                    span: name.span,
                };
                let Some(decl) = self.allocate(&item.kind, info) else {
                    continue;
                };
                self.scopes
                    .add(file.id, package, &name.name, name.span, decl);
                items.push((file.id, item, decl));
            }
        }
        items
    }

    fn allocate(&mut self, kind: &ItemKind, info: DeclInfo) -> Option<DeclRef> {
        let package = info.package.index();
        let placeholder = match kind {
            ItemKind::Struct(s) => TypeDeclKind::Struct {
                resource: s.resource.is_some(),
                fields: Vec::new(),
            },
            ItemKind::Enum(e) => TypeDeclKind::Enum {
                flexible: e.flexible.is_some(),
                members: Vec::new(),
            },
            ItemKind::Union(u) => TypeDeclKind::Union {
                resource: u.resource.is_some(),
                variants: Vec::new(),
            },
            ItemKind::Using(_) => TypeDeclKind::External {
                rust_path: String::new(),
                mode: ExternalMode::Plain,
            },
            ItemKind::Protocol(p) => {
                let id = ProtocolId(id_u32(self.model.protocols.len()));
                self.managed.push(
                    p.entries
                        .iter()
                        .any(|e| matches!(e, ast::ProtocolEntry::Manager(..))),
                );
                self.model.protocols.push(Protocol {
                    info,
                    sync: p.sync.is_some(),
                    child_proc: None,
                    parent_proc: None,
                    managers: Vec::new(),
                    manages: Vec::new(),
                    messages: Vec::new(),
                    manager_spans: Vec::new(),
                    manages_spans: Vec::new(),
                });
                self.model.packages[package].protocols.push(id);
                return Some(DeclRef::Protocol(id));
            }
            ItemKind::Const(_) => {
                let id = ConstId(id_u32(self.model.consts.len()));
                self.model.consts.push(Const {
                    info,
                    ty: Type::Error,
                    value: ConstValue::Int(0),
                });
                self.model.packages[package].consts.push(id);
                return Some(DeclRef::Const(id));
            }
            ItemKind::Package(_) | ItemKind::Import(_) => return None,
        };
        let id = TypeId(id_u32(self.model.types.len()));
        self.model.types.push(TypeDecl {
            info,
            kind: placeholder,
            is_resource: false,
        });
        self.model.packages[package].types.push(id);
        Some(DeclRef::Type(id))
    }

    /// L10: a declared type may not be named `PParent` or `PChild` for a
    /// protocol `P` of its package or visible from its file.
    fn check_side_names(&mut self) {
        for index in 0..self.model.types.len() {
            let info = &self.model.types[index].info;
            let Some(stem) = info
                .name
                .strip_suffix("Parent")
                .or_else(|| info.name.strip_suffix("Child"))
            else {
                continue;
            };
            let file = info.span.file;
            let clash = self.scopes.protocols_named(stem, file, info.package);
            if let Some(protocol) = clash {
                let span = self.model.types[index].info.span;
                let protocol_span = self.model.protocols[protocol.index()].info.span;
                let name = self.model.types[index].info.name.clone();
                self.diags.push(
                    Diagnostic::error(
                        codes::SIDE_NAME_DECLARED,
                        span,
                        format!("`{name}` is the name of a side of protocol `{stem}`"),
                    )
                    .label("clashes with a protocol side")
                    .secondary(protocol_span, "protocol declared here")
                    .help(
                        "`PParent` and `PChild` name the sides of protocol `P`; rename this type",
                    ),
                );
            }
        }
    }

    fn define(&mut self, file: FileId, item: &ast::Item, decl: DeclRef) {
        match (&item.kind, decl) {
            (ItemKind::Const(c), DeclRef::Const(id)) => self.define_const(file, c, id),
            (ItemKind::Struct(s), DeclRef::Type(id)) => self.define_struct(file, s, id),
            (ItemKind::Enum(e), DeclRef::Type(id)) => self.define_enum(e, id),
            (ItemKind::Union(u), DeclRef::Type(id)) => self.define_union(file, u, id),
            (ItemKind::Using(u), DeclRef::Type(id)) => self.define_using(u, &item.meta, id),
            (ItemKind::Protocol(p), DeclRef::Protocol(id)) => {
                self.define_protocol(file, p, &item.meta, id);
            }
            _ => {}
        }
    }
}

/// `//!` lines, then any `///` lines written before `package` (both document the file).
fn file_docs(file: &ast::File) -> Vec<String> {
    let mut docs = file.docs.clone();
    for item in &file.items {
        if let ItemKind::Package(_) = item.kind {
            docs.extend(item.meta.docs.iter().cloned());
        }
    }
    docs
}

fn package_of(file: &ast::File) -> Option<&ast::Path> {
    file.items.iter().find_map(|item| match &item.kind {
        ItemKind::Package(path) => Some(path),
        _ => None,
    })
}

/// The note of `[Deprecated]` or `[Deprecated = "note"]`.
fn deprecation(meta: &ast::Meta) -> Option<String> {
    let attr = meta.attrs.iter().find(|a| a.name.name == "Deprecated")?;
    Some(match attr.value.as_ref().map(|v| &v.kind) {
        Some(ast::LiteralKind::Str(note)) => note.clone(),
        _ => String::new(),
    })
}
