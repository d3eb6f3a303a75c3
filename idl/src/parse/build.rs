//! pest pairs to the AST. The grammar has already accepted the text, so the
//! shape of every pair is known; a shape that is not is skipped rather than
//! trusted, so a grammar change cannot turn into a panic here.

use pest::iterators::Pair;

use super::Rule;
use super::literal;
use crate::ast::*;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::span::{FileId, Span};

pub(super) struct Builder<'d> {
    file: FileId,
    diags: &'d mut Diagnostics,
}

impl<'d> Builder<'d> {
    pub(super) fn new(file: FileId, diags: &'d mut Diagnostics) -> Builder<'d> {
        Builder { file, diags }
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        Span::new(self.file, span.start()..span.end())
    }

    pub(super) fn file(&mut self, root: Pair<'_, Rule>) -> File {
        let mut docs = Vec::new();
        let mut items = Vec::new();
        for pair in root.into_inner() {
            match pair.as_rule() {
                Rule::inner_doc => docs.push(doc_text(pair.as_str(), "//!")),
                Rule::item => items.extend(self.item(pair)),
                _ => {}
            }
        }
        File {
            id: self.file,
            docs,
            items,
        }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let mut inner = pair.into_inner();
        let meta = self.meta(inner.next()?);
        let decl = inner.next()?;
        let span = self.span(&decl);
        let kind = match decl.as_rule() {
            Rule::package_decl => ItemKind::Package(self.path(self.nth(decl, 1)?)),
            Rule::import_decl => ItemKind::Import(self.literal(self.nth(decl, 1)?)),
            Rule::using_decl => {
                let mut parts = decl.into_inner().skip(1);
                ItemKind::Using(Using {
                    name: self.ident(parts.next()?),
                    rust_path: self.literal(parts.next()?),
                })
            }
            Rule::const_decl => {
                let mut parts = decl.into_inner().skip(1);
                ItemKind::Const(Const {
                    name: self.ident(parts.next()?),
                    ty: self.type_expr(parts.next()?)?,
                    value: self.literal(parts.next()?.into_inner().next()?),
                })
            }
            Rule::struct_decl => ItemKind::Struct(self.struct_decl(decl)?),
            Rule::enum_decl => ItemKind::Enum(self.enum_decl(decl)?),
            Rule::union_decl => ItemKind::Union(self.union_decl(decl)?),
            Rule::protocol_decl => ItemKind::Protocol(self.protocol(decl)?),
            _ => return None,
        };
        Some(Item { meta, kind, span })
    }

    fn nth<'i>(&self, pair: Pair<'i, Rule>, n: usize) -> Option<Pair<'i, Rule>> {
        pair.into_inner().nth(n)
    }

    fn meta(&mut self, pair: Pair<'_, Rule>) -> Meta {
        let mut meta = Meta::default();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::doc => {
                    meta.doc_spans.push(self.span(&part));
                    meta.docs.push(doc_text(part.as_str(), "///"));
                }
                Rule::attr_group => {
                    for attr in part.into_inner() {
                        let span = self.span(&attr);
                        let mut parts = attr.into_inner();
                        let Some(name) = parts.next() else { continue };
                        let name = self.ident(name);
                        let value = parts
                            .next()
                            .and_then(|v| v.into_inner().next())
                            .map(|v| self.literal(v));
                        meta.attrs.push(Attribute { name, value, span });
                    }
                }
                _ => {}
            }
        }
        meta
    }

    fn struct_decl(&mut self, pair: Pair<'_, Rule>) -> Option<Struct> {
        let mut resource = None;
        let mut name = None;
        let mut fields = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_resource => resource = Some(self.span(&part)),
                Rule::ident => name = Some(self.ident(part)),
                Rule::field => fields.extend(self.field(part)),
                _ => {}
            }
        }
        Some(Struct {
            resource,
            name: name?,
            fields,
        })
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> Option<Field> {
        let mut parts = pair.into_inner();
        Some(Field {
            meta: self.meta(parts.next()?),
            name: self.ident(parts.next()?),
            ty: self.type_expr(parts.next()?)?,
        })
    }

    fn enum_decl(&mut self, pair: Pair<'_, Rule>) -> Option<Enum> {
        let mut flexible = None;
        let mut name = None;
        let mut members = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_flexible => flexible = Some(self.span(&part)),
                Rule::ident => name = Some(self.ident(part)),
                Rule::member => {
                    let mut parts = part.into_inner();
                    let Some(meta) = parts.next() else { continue };
                    let meta = self.meta(meta);
                    let Some(member_name) = parts.next() else {
                        continue;
                    };
                    members.push(Member {
                        meta,
                        name: self.ident(member_name),
                        value: parts.next().map(|v| self.literal(v)),
                    });
                }
                _ => {}
            }
        }
        Some(Enum {
            flexible,
            name: name?,
            members,
        })
    }

    fn union_decl(&mut self, pair: Pair<'_, Rule>) -> Option<Union> {
        let mut resource = None;
        let mut name = None;
        let mut variants = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_resource => resource = Some(self.span(&part)),
                Rule::ident => name = Some(self.ident(part)),
                Rule::variant => {
                    let mut parts = part.into_inner();
                    let Some(meta) = parts.next() else { continue };
                    let meta = self.meta(meta);
                    let Some(variant_name) = parts.next() else {
                        continue;
                    };
                    let name = self.ident(variant_name);
                    let ty = match parts.next() {
                        Some(ty) => Some(self.type_expr(ty)?),
                        None => None,
                    };
                    variants.push(Variant { meta, name, ty });
                }
                _ => {}
            }
        }
        Some(Union {
            resource,
            name: name?,
            variants,
        })
    }

    fn protocol(&mut self, pair: Pair<'_, Rule>) -> Option<Protocol> {
        let mut sync = None;
        let mut name = None;
        let mut entries = Vec::new();
        for part in pair.into_inner() {
            let span = self.span(&part);
            match part.as_rule() {
                Rule::kw_sync => sync = Some(span),
                Rule::ident => name = Some(self.ident(part)),
                Rule::manager_clause => {
                    let paths = self.paths(part);
                    entries.push(ProtocolEntry::Manager(paths, span));
                }
                Rule::manages_clause => {
                    let paths = self.paths(part);
                    entries.push(ProtocolEntry::Manages(paths, span));
                }
                Rule::direction_label => {
                    let direction = match part.into_inner().next()?.as_rule() {
                        Rule::kw_parent => Direction::Parent,
                        Rule::kw_child => Direction::Child,
                        _ => Direction::Both,
                    };
                    entries.push(ProtocolEntry::Label(direction, span));
                }
                Rule::message => entries.extend(
                    self.message(part)
                        .map(|m| ProtocolEntry::Message(Box::new(m))),
                ),
                _ => {}
            }
        }
        Some(Protocol {
            sync,
            name: name?,
            entries,
        })
    }

    fn paths(&mut self, pair: Pair<'_, Rule>) -> Vec<Path> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::path)
            .map(|p| self.path(p))
            .collect()
    }

    fn message(&mut self, pair: Pair<'_, Rule>) -> Option<Message> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let meta = self.meta(parts.next()?);
        let keyword = parts.next()?;
        let sendness = match keyword.as_rule() {
            Rule::kw_sync => Sendness::Sync,
            _ => Sendness::Async,
        };
        let sendness = (sendness, self.span(&keyword));
        let name = self.ident(parts.next()?);
        let params = self.params(parts.next()?);
        let mut results = None;
        let mut error = None;
        for part in parts {
            match part.as_rule() {
                Rule::results => {
                    let results_span = self.span(&part);
                    let list = self.params(part.into_inner().next()?);
                    results = Some((list, results_span));
                }
                Rule::error_clause => error = Some(self.type_expr(part.into_inner().nth(1)?)?),
                _ => {}
            }
        }
        // The message's own span starts at `async`/`sync`, after docs and attributes.
        let span = sendness.1.to(span);
        let span = Span {
            start: sendness.1.start,
            ..span
        };
        Some(Message {
            meta,
            sendness,
            name,
            params,
            results,
            error,
            span,
        })
    }

    fn params(&mut self, pair: Pair<'_, Rule>) -> Vec<Field> {
        pair.into_inner().filter_map(|p| self.field(p)).collect()
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExpr> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let atom = parts.next()?;
        let mut ty = self.type_atom(atom)?;
        let marks: Vec<Span> = parts.map(|mark| self.span(&mark)).collect();
        if marks.len() > 1 {
            self.diags.push(
                Diagnostic::error(
                    codes::SYNTAX,
                    marks[1],
                    "a type can be made optional only once",
                )
                .label("second `?`")
                .help("remove the extra `?`"),
            );
        }
        if !marks.is_empty() {
            ty = TypeExpr {
                kind: TypeKind::Optional(Box::new(ty)),
                span,
            };
        }
        Some(ty)
    }

    fn type_atom(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExpr> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let text = pair.as_str();
        let mut parts = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
        let kind = match rule {
            Rule::prim_type => TypeKind::Scalar(Scalar::from_word(text)?),
            Rule::right_type => TypeKind::Right(RightKind::from_word(text)?),
            Rule::string_type => TypeKind::String(self.optional_bound(parts.next())?),
            Rule::bytes_type => TypeKind::Bytes(self.optional_bound(parts.next())?),
            Rule::vec_type => {
                let element = self.type_expr(parts.next()?)?;
                let bound = self.optional_bound(parts.next())?;
                TypeKind::Vec(Box::new(element), bound)
            }
            Rule::array_type => {
                let element = self.type_expr(parts.next()?)?;
                TypeKind::Array(Box::new(element), self.bound(parts.next()?)?)
            }
            Rule::map_type => {
                let key = self.type_expr(parts.next()?)?;
                let value = self.type_expr(parts.next()?)?;
                TypeKind::Map(Box::new(key), Box::new(value))
            }
            Rule::endpoint_type => TypeKind::Endpoint(self.path(parts.next()?)),
            Rule::managed_endpoint_type => TypeKind::ManagedEndpoint(self.path(parts.next()?)),
            Rule::named_type => TypeKind::Named(self.path(parts.next()?)),
            _ => return None,
        };
        Some(TypeExpr { kind, span })
    }

    /// `Some(None)` when there is no bound, `None` when the pair is malformed.
    fn optional_bound(&mut self, pair: Option<Pair<'_, Rule>>) -> Option<Option<Bound>> {
        match pair {
            Some(pair) => self.bound(pair).map(Some),
            None => Some(None),
        }
    }

    fn bound(&mut self, pair: Pair<'_, Rule>) -> Option<Bound> {
        let inner = pair.into_inner().next()?;
        Some(match inner.as_rule() {
            Rule::path => Bound::Const(self.path(inner)),
            _ => Bound::Int(self.literal(inner)),
        })
    }

    fn literal(&mut self, pair: Pair<'_, Rule>) -> Literal {
        let span = self.span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::int_lit => {
                let value = literal::int_value(text)
                    .filter(|v| (i128::from(i64::MIN)..=i128::from(u64::MAX)).contains(v));
                if value.is_none() {
                    self.out_of_range(span, "integer literal does not fit in 64 bits");
                }
                LiteralKind::Int(value)
            }
            Rule::duration => {
                let value = literal::duration_ms(text);
                if value.is_none() {
                    self.out_of_range(span, "duration is too long");
                }
                LiteralKind::Duration(value)
            }
            Rule::bool_lit => LiteralKind::Bool(text == "true"),
            Rule::string_lit => LiteralKind::Str(literal::string_value(
                self.file,
                span.start as usize,
                text,
                self.diags,
            )),
            Rule::path => LiteralKind::Name(self.path(pair)),
            _ => LiteralKind::Name(Path {
                segments: vec![self.ident(pair)],
                span,
            }),
        };
        Literal { kind, span }
    }

    fn out_of_range(&mut self, span: Span, message: &str) {
        self.diags.push(
            Diagnostic::error(codes::BAD_INTEGER, span, message)
                .label("out of range")
                .help("integers range from -9223372036854775808 to 18446744073709551615"),
        );
    }

    fn path(&mut self, pair: Pair<'_, Rule>) -> Path {
        let span = self.span(&pair);
        let segments = pair.into_inner().map(|p| self.ident(p)).collect();
        Path { segments, span }
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: self.span(&pair),
        }
    }
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_vec
            | Rule::kw_map
            | Rule::kw_string
            | Rule::kw_bytes
            | Rule::kw_endpoint
            | Rule::kw_managed_endpoint
    )
}

fn doc_text(raw: &str, prefix: &str) -> String {
    let text = raw.strip_prefix(prefix).unwrap_or(raw);
    let text = text.strip_suffix('\r').unwrap_or(text);
    text.strip_prefix(' ').unwrap_or(text).to_owned()
}
