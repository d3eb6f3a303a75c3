//! Type expressions, bounds and type declarations.

use super::Resolver;
use super::lookup::{DeclRef, Found};
use crate::ast::{self, TypeExpr, TypeKind};
use crate::diag::{Diagnostic, codes};
use crate::model::*;
use crate::names;
use crate::span::FileId;

/// What a name is expected to be, for lookups and their messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    Type,
    Protocol,
    Const,
}

impl Want {
    fn describe(self) -> &'static str {
        match self {
            Want::Type => "a type",
            Want::Protocol => "a protocol",
            Want::Const => "a constant",
        }
    }
}

/// `a.b.PParent` or `a.b.PChild` to `a.b.P`.
fn side_stem(path: &ast::Path) -> Option<ast::Path> {
    let last = &path.last().name;
    let stem = last
        .strip_suffix("Parent")
        .or_else(|| last.strip_suffix("Child"))?;
    let mut stem_path = path.clone();
    let last_index = stem_path.segments.len() - 1;
    stem_path.segments[last_index].name = stem.to_owned();
    Some(stem_path)
}

fn describe(decl: DeclRef) -> &'static str {
    match decl {
        DeclRef::Type(_) => "a type",
        DeclRef::Protocol(_) => "a protocol",
        DeclRef::Const(_) => "a constant",
    }
}

impl Resolver<'_> {
    /// Resolves `path` from `file`, reporting unknown, ambiguous, unimported
    /// and wrong-kind names.
    pub(super) fn lookup(&mut self, file: FileId, path: &ast::Path, want: Want) -> Option<DeclRef> {
        let found = match self.scopes.find(file, path) {
            Found::One(entry) => {
                let kind_ok = matches!(
                    (entry.decl, want),
                    (DeclRef::Type(_), Want::Type)
                        | (DeclRef::Protocol(_), Want::Protocol)
                        | (DeclRef::Const(_), Want::Const)
                );
                if kind_ok {
                    return Some(entry.decl);
                }
                Diagnostic::error(
                    codes::WRONG_KIND,
                    path.span,
                    format!(
                        "`{}` is {}, not {}",
                        path.dotted(),
                        describe(entry.decl),
                        want.describe()
                    ),
                )
                .label(format!("expected {}", want.describe()))
                .secondary(entry.span, "declared here")
            }
            Found::Ambiguous(entries) => {
                let names: Vec<String> = entries
                    .iter()
                    .map(|e| format!("`{}`", self.scopes.qualified_name(e)))
                    .collect();
                let mut diagnostic = Diagnostic::error(
                    codes::AMBIGUOUS_NAME,
                    path.span,
                    format!("`{}` is ambiguous", path.dotted()),
                )
                .label(format!("could be {}", names.join(" or ")))
                .help("write the package-qualified name");
                for entry in &entries {
                    diagnostic = diagnostic.secondary(entry.span, "one candidate");
                }
                diagnostic
            }
            Found::NotImported(entry) => {
                let file_name = &self.model.files[entry.file.index()].name;
                Diagnostic::error(
                    codes::NOT_IMPORTED,
                    path.span,
                    format!(
                        "`{}` is declared in a file this file does not import",
                        path.dotted()
                    ),
                )
                .label("not visible here")
                .secondary(entry.span, "declared here")
                .help(format!(
                    "add `import \"{file_name}\";` (visibility is not transitive)"
                ))
            }
            Found::Nothing => self.unknown_name(file, path, want),
        };
        self.diags.push(found);
        None
    }

    fn unknown_name(&self, file: FileId, path: &ast::Path, want: Want) -> Diagnostic {
        let name = &path.last().name;
        if path.segments.len() == 1 && want == Want::Type && names::is_reserved(name) {
            let help = match name.as_str() {
                "vec" => "write `vec<T>` or `vec<T, N>`",
                "map" => "write `map<K, V>`",
                "endpoint" => "write `endpoint<PParent>` or `endpoint<PChild>`",
                "managed_endpoint" => {
                    "write `managed_endpoint<PParent>` or `managed_endpoint<PChild>`"
                }
                _ => "a reserved word is not a type here",
            };
            return Diagnostic::error(
                codes::UNKNOWN_NAME,
                path.span,
                format!("`{name}` is not a complete type"),
            )
            .label("incomplete type")
            .help(help);
        }
        if want == Want::Type {
            if let Some(protocol) = self.side_protocol(file, path) {
                let stem = &self.model.protocols[protocol.index()].info.name;
                return Diagnostic::error(
                    codes::SIDE_OUTSIDE_ENDPOINT,
                    path.span,
                    format!("protocol side `{}` is not a type", path.dotted()),
                )
                .label("a side is only valid inside `endpoint<…>` or `managed_endpoint<…>`")
                .help(format!(
                    "write `endpoint<{}>` (or `managed_endpoint<…>` for a managed protocol `{stem}`)",
                    path.dotted()
                ));
            }
        }
        let mut diagnostic = Diagnostic::error(
            codes::UNKNOWN_NAME,
            path.span,
            format!("cannot find {} named `{}`", want.describe(), path.dotted()),
        )
        .label("not declared in this file or its imports");
        let builtin: &[&str] = if want == Want::Type {
            names::BUILTIN_TYPES
        } else {
            &[]
        };
        let candidates = self
            .scopes
            .visible_names(file)
            .chain(builtin.iter().copied());
        if let Some(suggestion) = names::did_you_mean(name, candidates) {
            diagnostic = diagnostic.help(format!("did you mean `{suggestion}`?"));
        }
        diagnostic
    }

    /// The protocol `P` when `path` names `PParent` or `PChild`.
    fn side_protocol(&self, file: FileId, path: &ast::Path) -> Option<ProtocolId> {
        self.split_side(file, path).map(|(protocol, _)| protocol)
    }

    /// Splits `…PParent` / `…PChild` into a visible protocol and a side,
    /// without reporting anything.
    pub(super) fn split_side(&self, file: FileId, path: &ast::Path) -> Option<(ProtocolId, Side)> {
        let side = if path.last().name.ends_with("Parent") {
            Side::Parent
        } else {
            Side::Child
        };
        let stem_path = side_stem(path)?;
        match self.scopes.find(file, &stem_path) {
            Found::One(entry) => match entry.decl {
                DeclRef::Protocol(id) => Some((id, side)),
                _ => None,
            },
            _ => None,
        }
    }

    pub(super) fn resolve_type(&mut self, file: FileId, expr: &TypeExpr) -> Type {
        match &expr.kind {
            TypeKind::Scalar(scalar) => Type::Scalar { scalar: *scalar },
            TypeKind::Right(right) => Type::Right { right: *right },
            TypeKind::String(bound) => Type::String {
                bound: bound.as_ref().and_then(|b| self.bound(file, b)),
            },
            TypeKind::Bytes(bound) => Type::Bytes {
                bound: bound.as_ref().and_then(|b| self.bound(file, b)),
            },
            TypeKind::Vec(element, bound) => Type::Vec {
                element: Box::new(self.resolve_type(file, element)),
                bound: bound.as_ref().and_then(|b| self.bound(file, b)),
            },
            TypeKind::Array(element, len) => Type::Array {
                element: Box::new(self.resolve_type(file, element)),
                len: self.bound(file, len).unwrap_or(1),
            },
            TypeKind::Map(key, value) => {
                let key_type = self.resolve_type(file, key);
                self.check_map_key(key, &key_type);
                Type::Map {
                    key: Box::new(key_type),
                    value: Box::new(self.resolve_type(file, value)),
                }
            }
            TypeKind::Optional(inner) => Type::Optional {
                inner: Box::new(self.resolve_type(file, inner)),
                boxed: false,
            },
            TypeKind::Endpoint(path) => self.endpoint(file, path, expr, false),
            TypeKind::ManagedEndpoint(path) => self.endpoint(file, path, expr, true),
            TypeKind::Named(path) => match self.lookup(file, path, Want::Type) {
                Some(DeclRef::Type(id)) => Type::Named { id },
                _ => Type::Error,
            },
        }
    }

    fn check_map_key(&mut self, key: &TypeExpr, ty: &Type) {
        let allowed = match ty {
            Type::Scalar { scalar } => *scalar == Scalar::Bool || scalar.int_range().is_some(),
            Type::String { .. } | Type::Bytes { .. } | Type::Error => true,
            _ => false,
        };
        if !allowed {
            self.diags.push(
                Diagnostic::error(
                    codes::BAD_MAP_KEY,
                    key.span,
                    format!("`{}` cannot be a map key", self.model.type_name(ty)),
                )
                .label("not a valid key type")
                .help(
                    "map keys are `bool`, integers, `string`, `string<N>`, `bytes` or `bytes<N>`",
                ),
            );
        }
    }

    fn endpoint(&mut self, file: FileId, path: &ast::Path, expr: &TypeExpr, managed: bool) -> Type {
        let keyword = if managed {
            "managed_endpoint"
        } else {
            "endpoint"
        };
        let Some((protocol, side)) = self.split_side(file, path) else {
            if let Found::One(entry) = self.scopes.find(file, path) {
                if let DeclRef::Protocol(_) = entry.decl {
                    let name = path.dotted();
                    self.diags.push(
                        Diagnostic::error(
                            codes::ENDPOINT_WITHOUT_SIDE,
                            path.span,
                            format!(
                                "`{keyword}<{name}>` does not say which side of `{name}` it is"
                            ),
                        )
                        .label("a protocol, not a side")
                        .help(format!(
                            "write `{keyword}<{name}Parent>` or `{keyword}<{name}Child>`"
                        )),
                    );
                    return Type::Error;
                }
            }
            // A name that exists but is no protocol (a struct, say): the
            // ordinary lookup reports the wrong kind.
            if !matches!(self.scopes.find(file, path), Found::Nothing) {
                self.lookup(file, path, Want::Protocol);
                return Type::Error;
            }
            // `PParent` whose `P` is ambiguous, not imported or not a
            // protocol: the ordinary lookup says which.
            if let Some(stem) = side_stem(path) {
                if !matches!(self.scopes.find(file, &stem), Found::Nothing) {
                    self.lookup(file, &stem, Want::Protocol);
                    return Type::Error;
                }
            }
            self.lookup_side_for_message(file, path);
            return Type::Error;
        };
        let is_managed = self.managed[protocol.index()];
        let name = &self.model.protocols[protocol.index()].info.name;
        if managed != is_managed {
            let (code, message, help) = if managed {
                (
                    codes::MANAGED_ENDPOINT_OF_TOP_LEVEL,
                    format!(
                        "`managed_endpoint` needs a managed protocol, and `{name}` is top-level"
                    ),
                    format!("use `endpoint<{}>` for a top-level protocol", path.dotted()),
                )
            } else {
                (
                    codes::ENDPOINT_OF_MANAGED,
                    format!("`endpoint` needs a top-level protocol, and `{name}` is managed"),
                    format!(
                        "use `managed_endpoint<{}>` for a managed protocol",
                        path.dotted()
                    ),
                )
            };
            let declared = self.model.protocols[protocol.index()].info.span;
            self.diags.push(
                Diagnostic::error(code, expr.span, message)
                    .label("wrong kind of endpoint")
                    .secondary(declared, "protocol declared here")
                    .help(help),
            );
            return Type::Error;
        }
        if managed {
            Type::ManagedEndpoint { protocol, side }
        } else {
            Type::Endpoint { protocol, side }
        }
    }

    /// Reports a side name that resolves to no protocol side.
    fn lookup_side_for_message(&mut self, file: FileId, path: &ast::Path) {
        let mut diagnostic = Diagnostic::error(
            codes::UNKNOWN_NAME,
            path.span,
            format!("cannot find a protocol side named `{}`", path.dotted()),
        )
        .label("expected `PParent` or `PChild` for a visible protocol `P`");
        let sides = self
            .scopes
            .visible_names(file)
            .flat_map(|n| [format!("{n}Parent"), format!("{n}Child")])
            .collect::<Vec<_>>();
        if let Some(s) = names::did_you_mean(&path.last().name, sides.iter().map(String::as_str)) {
            diagnostic = diagnostic.help(format!("did you mean `{s}`?"));
        }
        self.diags.push(diagnostic);
    }

    /// A bound: a positive integer literal or integer constant (L12).
    pub(super) fn bound(&mut self, file: FileId, bound: &ast::Bound) -> Option<u64> {
        let value = match bound {
            ast::Bound::Int(literal) => match literal.kind {
                ast::LiteralKind::Int(value) => value,
                _ => None,
            },
            ast::Bound::Const(path) => match self.lookup(file, path, Want::Const)? {
                DeclRef::Const(id) => match self.model.consts[id.index()].value {
                    ConstValue::Int(value) => Some(value),
                    _ => None,
                },
                _ => return None,
            },
        };
        match value.map(u64::try_from) {
            Some(Ok(n)) if n > 0 => Some(n),
            _ => {
                let message = match (bound, value) {
                    (ast::Bound::Const(path), Some(v)) => {
                        format!(
                            "bound `{}` is {v}, but a bound must be a positive integer",
                            path.dotted()
                        )
                    }
                    (ast::Bound::Const(path), None) => {
                        format!("bound `{}` is not an integer constant", path.dotted())
                    }
                    (ast::Bound::Int(_), Some(v)) => format!("bound {v} is not a positive integer"),
                    (ast::Bound::Int(_), None) => "a bound must be a positive integer".to_owned(),
                };
                self.diags.push(
                    Diagnostic::error(codes::BAD_BOUND, bound.span(), message)
                        .label("not a positive integer")
                        .help("write a literal such as `64` or name an integer constant greater than zero"),
                );
                None
            }
        }
    }

    pub(super) fn define_struct(&mut self, file: FileId, decl: &ast::Struct, id: TypeId) {
        let fields = decl.fields.iter().map(|f| self.field(file, f)).collect();
        if let TypeDeclKind::Struct { fields: slot, .. } = &mut self.model.types[id.index()].kind {
            *slot = fields;
        }
    }

    pub(super) fn field(&mut self, file: FileId, field: &ast::Field) -> Field {
        Field {
            name: field.name.name.clone(),
            ty: self.resolve_type(file, &field.ty),
            docs: field.meta.docs.clone(),
            span: field.name.span,
        }
    }

    pub(super) fn define_union(&mut self, file: FileId, decl: &ast::Union, id: TypeId) {
        let variants = decl
            .variants
            .iter()
            .map(|v| Variant {
                name: v.name.name.clone(),
                ty: v.ty.as_ref().map(|t| self.resolve_type(file, t)),
                docs: v.meta.docs.clone(),
                span: v.name.span,
            })
            .collect();
        if let TypeDeclKind::Union { variants: slot, .. } = &mut self.model.types[id.index()].kind {
            *slot = variants;
        }
    }

    pub(super) fn define_using(&mut self, decl: &ast::Using, meta: &ast::Meta, id: TypeId) {
        let has = |name: &str| meta.attrs.iter().any(|a| a.name.name == name);
        let mode = if has("Serde") {
            ExternalMode::Serde
        } else if has("Resource") {
            ExternalMode::Resource
        } else {
            ExternalMode::Plain
        };
        let rust_path = match &decl.rust_path.kind {
            ast::LiteralKind::Str(path) => path.clone(),
            _ => String::new(),
        };
        self.model.types[id.index()].kind = TypeDeclKind::External { rust_path, mode };
    }

    /// Enum members with explicit or implicit values (L15).
    pub(super) fn define_enum(&mut self, decl: &ast::Enum, id: TypeId) {
        let mut members: Vec<EnumMember> = Vec::new();
        let mut next: i128 = 0;
        for member in &decl.members {
            let value = match &member.value {
                Some(literal) => match literal.kind {
                    ast::LiteralKind::Int(Some(v)) => v,
                    _ => -1,
                },
                None => next,
            };
            let Ok(value32) = u32::try_from(value) else {
                let span = member.value.as_ref().map_or(member.name.span, |l| l.span);
                self.diags.push(
                    Diagnostic::error(
                        codes::ENUM_VALUE_RANGE,
                        span,
                        format!(
                            "value of enum member `{}` does not fit in `u32`",
                            member.name.name
                        ),
                    )
                    .label("outside 0 ..= 4294967295")
                    .help("enum values are `u32`s; the implicit value is the previous one plus 1"),
                );
                next = 0;
                continue;
            };
            if let Some(first) = members.iter().find(|m| m.value == value32) {
                self.diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_ENUM_VALUE,
                        member.name.span,
                        format!(
                            "enum members `{}` and `{}` both have the value {value32}",
                            first.name, member.name.name
                        ),
                    )
                    .label(format!("value {value32}"))
                    .secondary(first.span, "value first used here"),
                );
            }
            next = value + 1;
            members.push(EnumMember {
                name: member.name.name.clone(),
                value: value32,
                docs: member.meta.docs.clone(),
                span: member.name.span,
            });
        }
        if let TypeDeclKind::Enum { members: slot, .. } = &mut self.model.types[id.index()].kind {
            *slot = members;
        }
    }
}
