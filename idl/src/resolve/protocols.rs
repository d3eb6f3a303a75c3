//! Protocols: manager clauses, messages, message identifiers (L28) and
//! message attributes.

use super::Resolver;
use super::lookup::DeclRef;
use super::types::Want;
use crate::ast::{self, LiteralKind, ProtocolEntry};
use crate::diag::{Diagnostic, codes};
use crate::model::*;
use crate::span::{FileId, Span};

impl Resolver<'_> {
    pub(super) fn define_protocol(
        &mut self,
        file: FileId,
        decl: &ast::Protocol,
        meta: &ast::Meta,
        id: ProtocolId,
    ) {
        let mut managers = Vec::new();
        let mut manages = Vec::new();
        let mut direction = Direction::Parent;
        let mut label = None;
        let mut messages = Vec::new();
        for entry in &decl.entries {
            match entry {
                ProtocolEntry::Manager(paths, _) => {
                    self.protocol_list(file, paths, "manager", &mut managers)
                }
                ProtocolEntry::Manages(paths, _) => {
                    self.protocol_list(file, paths, "manages", &mut manages)
                }
                ProtocolEntry::Label(d, span) => {
                    direction = *d;
                    label = Some(*span);
                }
                ProtocolEntry::Message(message) => {
                    messages.push(self.message(file, id, message, direction, label));
                }
            }
        }
        for message in &mut messages {
            message.constructs = manages
                .iter()
                .map(|(p, _)| *p)
                .find(|p: &ProtocolId| self.model.protocols[p.index()].info.name == message.name);
        }
        let protocol = &mut self.model.protocols[id.index()];
        protocol.child_proc = name_attr(meta, "ChildProc");
        protocol.parent_proc = name_attr(meta, "ParentProc");
        (protocol.managers, protocol.manager_spans) = managers.into_iter().unzip();
        (protocol.manages, protocol.manages_spans) = manages.into_iter().unzip();
        protocol.messages = messages;
    }

    /// Resolves a `manager` or `manages` list, reporting repeats.
    fn protocol_list(
        &mut self,
        file: FileId,
        paths: &[ast::Path],
        clause: &str,
        out: &mut Vec<(ProtocolId, Span)>,
    ) {
        for path in paths {
            let Some(DeclRef::Protocol(target)) = self.lookup(file, path, Want::Protocol) else {
                continue;
            };
            if let Some(&(_, first)) = out.iter().find(|(p, _)| *p == target) {
                self.diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_MANAGER,
                        path.span,
                        format!("`{}` is listed twice in `{clause}`", path.dotted()),
                    )
                    .label("listed again here")
                    .secondary(first, "first listed here"),
                );
                continue;
            }
            out.push((target, path.span));
        }
    }

    fn message(
        &mut self,
        file: FileId,
        protocol: ProtocolId,
        message: &ast::Message,
        direction: Direction,
        label: Option<Span>,
    ) -> Message {
        let params = message.params.iter().map(|f| self.field(file, f)).collect();
        let results = message
            .results
            .as_ref()
            .map(|(fields, _)| fields.iter().map(|f| self.field(file, f)).collect());
        let error = message
            .error
            .as_ref()
            .and_then(|ty| self.error_type(file, ty));
        let meta = &message.meta;
        let explicit = meta.attrs.iter().find(|a| a.name.name == "Id");
        let explicit_id = explicit.and_then(|a| match a.value.as_ref()?.kind {
            LiteralKind::Int(Some(n)) => u32::try_from(n).ok(),
            _ => None,
        });
        let info = &self.model.protocols[protocol.index()].info;
        let package = &self.model.packages[info.package.index()].name;
        let id = explicit_id
            .unwrap_or_else(|| derive_message_id(package, &info.name, &message.name.name));
        Message {
            name: message.name.name.clone(),
            direction,
            sendness: message.sendness.0,
            id,
            explicit_id: explicit_id.is_some(),
            params,
            results,
            error,
            constructs: None,
            is_delete: message.name.name == "delete",
            attrs: message_attrs(meta),
            docs: meta.docs.clone(),
            span: message.name.span,
            syntax: MessageSyntax {
                keyword: message.sendness.1,
                label,
                results: message.results.as_ref().map(|(_, span)| *span),
                error: message.error.as_ref().map(|t| t.span),
                id_attr: explicit.map(|a| a.span),
            },
        }
    }

    /// The `error E` type: must name an enum or union (L25).
    fn error_type(&mut self, file: FileId, ty: &ast::TypeExpr) -> Option<TypeId> {
        let resolved = self.resolve_type(file, ty);
        let id = match resolved {
            Type::Named { id } => id,
            Type::Error => return None,
            other => {
                let what = format!("`{}` is not", self.model.type_name(&other));
                self.bad_error_type(ty.span, &what, None);
                return None;
            }
        };
        let kind = match self.model.types[id.index()].kind {
            TypeDeclKind::Enum { .. } | TypeDeclKind::Union { .. } => return Some(id),
            TypeDeclKind::Struct { .. } => "a struct",
            TypeDeclKind::External { .. } => "an external `using` type",
        };
        let info = &self.model.types[id.index()].info;
        let (what, declared) = (format!("`{}` is {kind}", info.name), info.span);
        self.bad_error_type(ty.span, &what, Some(declared));
        None
    }

    fn bad_error_type(&mut self, span: Span, what: &str, declared: Option<Span>) {
        let message = format!("the error type must be an enum or a union, and {what}");
        let mut diagnostic = Diagnostic::error(codes::BAD_ERROR_TYPE, span, message)
            .label("not an enum or union")
            .help("declare an `enum` of error codes or a `union` of error cases");
        if let Some(declared) = declared {
            diagnostic = diagnostic.secondary(declared, "declared here");
        }
        self.diags.push(diagnostic);
    }
}

/// FNV-1a over `package.Protocol.Message`: stable under adding, removing
/// and reordering other messages (L28).
pub(crate) fn derive_message_id(package: &str, protocol: &str, message: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    let full = format!("{package}.{protocol}.{message}");
    for byte in full.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

fn name_attr(meta: &ast::Meta, name: &str) -> Option<String> {
    let attr = meta.attrs.iter().find(|a| a.name.name == name)?;
    match &attr.value.as_ref()?.kind {
        LiteralKind::Name(path) => Some(path.dotted()),
        _ => None,
    }
}

fn message_attrs(meta: &ast::Meta) -> MessageAttrs {
    let find = |name: &str| meta.attrs.iter().find(|a| a.name.name == name);
    let priority = |name: &str| match &find(name)?.value.as_ref()?.kind {
        LiteralKind::Name(path) => Priority::from_word(&path.dotted()),
        _ => None,
    };
    MessageAttrs {
        priority: priority("Priority"),
        reply_priority: priority("ReplyPriority"),
        compress: find("Compress").is_some(),
        tainted: find("Tainted").is_some(),
        unlimited_size: find("UnlimitedSize").is_some(),
        timeout_ms: find("Timeout").and_then(|a| match a.value.as_ref()?.kind {
            LiteralKind::Duration(ms) => ms,
            _ => None,
        }),
        deprecated: super::deprecation(meta),
    }
}
