//! Checks that need one file's syntax tree only: file structure (L5), names
//! (L3, L3a), uniqueness within a scope (L14–L16, L22), protocol body order
//! (L20, L21) and attributes (L29).

mod attrs;

use std::collections::HashMap;

use crate::ast::*;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::names::{self, Case, RustNameError};
use crate::span::Span;
use attrs::{Element, check_attrs, check_message_shape, check_using_mode};

pub(crate) fn validate_file(file: &File, diags: &mut Diagnostics) {
    check_package_placement(file, diags);
    for item in &file.items {
        validate_item(item, diags);
    }
}

fn check_package_placement(file: &File, diags: &mut Diagnostics) {
    let mut first_package: Option<Span> = None;
    for (index, item) in file.items.iter().enumerate() {
        let ItemKind::Package(_) = item.kind else {
            continue;
        };
        if let Some(first) = first_package {
            diags.push(
                Diagnostic::error(
                    codes::MISPLACED_PACKAGE,
                    item.span,
                    "second `package` statement",
                )
                .label("a file belongs to one package")
                .secondary(first, "package declared here"),
            );
        } else if index > 0 {
            diags.push(
                Diagnostic::error(
                    codes::MISPLACED_PACKAGE,
                    item.span,
                    "`package` must be the first statement of the file",
                )
                .label("not the first statement")
                .secondary(file.items[0].span, "this statement comes first")
                .help("move the `package` line to the top of the file"),
            );
        }
        first_package.get_or_insert(item.span);
    }
    if first_package.is_none() {
        let span = file
            .items
            .first()
            .map_or(Span::new(file.id, 0..0), |i| i.span);
        let message = if file.items.is_empty() {
            "file is empty: it has no `package` statement"
        } else {
            "file has no `package` statement"
        };
        diags.push(
            Diagnostic::error(codes::MISSING_PACKAGE, span, message)
                .label("expected `package a.b.c;` before this")
                .help("start the file with `package name;`"),
        );
    }
}

fn validate_item(item: &Item, diags: &mut Diagnostics) {
    let element = match &item.kind {
        ItemKind::Package(path) => {
            for segment in &path.segments {
                check_name(segment, Case::Snake, "package segment", diags);
            }
            Element::Package
        }
        ItemKind::Import(_) => {
            if let Some(&doc) = item.meta.doc_spans.first() {
                diags.push(
                    Diagnostic::error(codes::MISPLACED_DOC, doc, "doc comment documents nothing")
                        .label("an `import` is not documented")
                        .help("use `//` for a comment about an import"),
                );
            }
            Element::Import
        }
        ItemKind::Using(using) => {
            check_type_name(&using.name, diags);
            check_using_mode(&item.meta, diags);
            Element::Using
        }
        ItemKind::Const(constant) => {
            check_name(&constant.name, Case::AsWritten, "constant", diags);
            Element::Const
        }
        ItemKind::Struct(decl) => {
            check_type_name(&decl.name, diags);
            validate_fields(
                &decl.fields,
                Element::Field,
                codes::DUPLICATE_FIELD,
                "field",
                diags,
            );
            Element::Struct
        }
        ItemKind::Enum(decl) => {
            check_type_name(&decl.name, diags);
            validate_members(decl, diags);
            Element::Enum
        }
        ItemKind::Union(decl) => {
            check_type_name(&decl.name, diags);
            validate_variants(decl, diags);
            Element::Union
        }
        ItemKind::Protocol(protocol) => {
            check_type_name(&protocol.name, diags);
            validate_protocol(protocol, diags);
            Element::Protocol
        }
    };
    check_attrs(&item.meta, element, diags);
}

/// Declared type and protocol names: as written, and PascalCase expected.
fn check_type_name(name: &Ident, diags: &mut Diagnostics) {
    if check_name(name, Case::AsWritten, "declared name", diags)
        && !names::is_pascal_case(&name.name)
    {
        diags.push(pascal_warning(name));
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn pascal_warning(name: &Ident) -> Diagnostic {
    let pascal = names::map_case(&name.name, Case::Pascal);
    Diagnostic::warning(
        codes::NOT_PASCAL_CASE,
        name.span,
        format!("`{}` should be written in PascalCase", name.name),
    )
    .label("not PascalCase")
    .help(format!("write `{pascal}`"))
}

/// Reserved words (L3a) and names with no Rust form (L3). Returns whether the
/// name is usable.
fn check_name(name: &Ident, case: Case, what: &str, diags: &mut Diagnostics) -> bool {
    if names::is_reserved(&name.name) {
        diags.push(
            Diagnostic::error(
                codes::RESERVED_WORD,
                name.span,
                format!(
                    "`{}` is a reserved word and cannot be {} {what}",
                    name.name,
                    article(what)
                ),
            )
            .label("reserved word")
            .help(format!(
                "choose another name, such as `{}_value`",
                name.name
            )),
        );
        return false;
    }
    let problem = match names::rust_ident(&name.name, case) {
        Ok(_) => return true,
        Err(RustNameError::Empty) => "has no letters or digits, so it has no Rust name".to_owned(),
        Err(RustNameError::StartsWithDigit(mapped)) => {
            format!("becomes `{mapped}` in Rust, which starts with a digit")
        }
        Err(RustNameError::NotRaw(mapped)) if mapped == name.name => {
            "is a Rust keyword that cannot be used as a name, even as a raw identifier".to_owned()
        }
        Err(RustNameError::NotRaw(mapped)) => {
            format!("becomes `{mapped}` in Rust, a keyword that cannot be used as a name")
        }
    };
    diags.push(
        Diagnostic::error(
            codes::INVALID_RUST_NAME,
            name.span,
            format!("{what} `{}` {problem}", name.name),
        )
        .label("not usable as a Rust name")
        .help("choose another name"),
    );
    false
}

/// Names of one scope must be unique as written and after case mapping (L3).
fn check_unique<'a>(
    names: impl IntoIterator<Item = &'a Ident>,
    case: Case,
    code: crate::diag::Code,
    what: &str,
    diags: &mut Diagnostics,
) {
    let mut seen: HashMap<String, &Ident> = HashMap::new();
    for name in names {
        let mapped = names::map_case(&name.name, case);
        if let Some(first) = seen.get(&mapped) {
            let message = if first.name == name.name {
                format!("{what} `{}` is declared twice", name.name)
            } else {
                format!(
                    "{what} `{}` and `{}` are the same name in Rust (`{mapped}`)",
                    first.name, name.name
                )
            };
            diags.push(
                Diagnostic::error(code, name.span, message)
                    .label("declared again here")
                    .secondary(first.span, "first declared here"),
            );
        } else {
            seen.insert(mapped, name);
        }
    }
}

fn validate_fields(
    fields: &[Field],
    element: Element,
    code: crate::diag::Code,
    what: &str,
    diags: &mut Diagnostics,
) {
    for field in fields {
        check_name(&field.name, Case::Snake, what, diags);
        check_attrs(&field.meta, element, diags);
    }
    check_unique(
        fields.iter().map(|f| &f.name),
        Case::Snake,
        code,
        what,
        diags,
    );
}

fn validate_members(decl: &Enum, diags: &mut Diagnostics) {
    for member in &decl.members {
        if check_name(&member.name, Case::Pascal, "enum member", diags)
            && !names::is_pascal_case(&member.name.name)
        {
            diags.push(pascal_warning(&member.name));
        }
        check_attrs(&member.meta, Element::Member, diags);
    }
    let names = decl.members.iter().map(|m| &m.name);
    check_unique(
        names,
        Case::Pascal,
        codes::DUPLICATE_MEMBER,
        "enum member",
        diags,
    );
}

fn validate_variants(decl: &Union, diags: &mut Diagnostics) {
    for variant in &decl.variants {
        check_name(&variant.name, Case::Pascal, "union variant", diags);
        check_attrs(&variant.meta, Element::Variant, diags);
    }
    let names = decl.variants.iter().map(|v| &v.name);
    check_unique(
        names,
        Case::Pascal,
        codes::DUPLICATE_VARIANT,
        "union variant",
        diags,
    );
}

fn validate_protocol(protocol: &Protocol, diags: &mut Diagnostics) {
    let mut first_label: Option<Span> = None;
    let mut messages = Vec::new();
    for entry in &protocol.entries {
        match entry {
            ProtocolEntry::Manager(_, span) | ProtocolEntry::Manages(_, span) => {
                if let Some(label) = first_label {
                    diags.push(
                        Diagnostic::error(
                            codes::MANAGER_AFTER_LABEL,
                            *span,
                            "`manager` and `manages` must come before the first direction label",
                        )
                        .label("after a direction label")
                        .secondary(label, "first direction label")
                        .help("move this clause to the top of the protocol body"),
                    );
                }
            }
            ProtocolEntry::Label(_, span) => {
                first_label.get_or_insert(*span);
            }
            ProtocolEntry::Message(message) => {
                if first_label.is_none() {
                    diags.push(
                        Diagnostic::error(
                            codes::MESSAGE_WITHOUT_DIRECTION,
                            message.name.span,
                            format!(
                                "message `{}` is not under a direction label",
                                message.name.name
                            ),
                        )
                        .label("which side receives this message?")
                        .help("put `parent:`, `child:` or `both:` before it"),
                    );
                }
                validate_message(message, diags);
                messages.push(&message.name);
            }
        }
    }
    check_unique(
        messages,
        Case::Pascal,
        codes::DUPLICATE_MESSAGE,
        "message",
        diags,
    );
}

fn validate_message(message: &Message, diags: &mut Diagnostics) {
    check_name(&message.name, Case::Pascal, "message", diags);
    check_attrs(&message.meta, Element::Message, diags);
    check_message_shape(message, diags);
    let results = message.results.iter().flat_map(|(fields, _)| fields);
    for field in message.params.iter().chain(results.clone()) {
        check_name(&field.name, Case::Snake, "parameter", diags);
        check_attrs(&field.meta, Element::Parameter, diags);
    }
    let all = message.params.iter().chain(results).map(|f| &f.name);
    check_unique(
        all,
        Case::Snake,
        codes::DUPLICATE_PARAMETER,
        "parameter",
        diags,
    );
}
