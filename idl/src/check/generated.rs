//! Names the code generator makes (docs/codegen.md) must not meet names
//! the protocol file declares, or each other: such a file is refused here
//! with the two names, rather than left for rustc to reject in generated
//! code.

use std::collections::HashMap;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::*;
use crate::names::RUNTIME_ALIAS;
use crate::span::Span;

/// Parameter names the generated methods use for their own arguments.
const RESERVED_PARAMETERS: &[&str] = &["actor", "responder", "new_actor", "timeout", "handler"];

pub(super) fn check_generated_names(model: &Model, diags: &mut Diagnostics) {
    for protocol in &model.protocols {
        for message in &protocol.messages {
            for param in &message.params {
                let mapped = param.name.to_snake_case();
                if RESERVED_PARAMETERS.contains(&mapped.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            codes::GENERATED_NAME_COLLISION,
                            param.span,
                            format!(
                                "parameter `{}` of `{}` is named like an argument of the generated methods",
                                param.name, message.name
                            ),
                        )
                        .label(format!("`{mapped}` is taken by the generated code"))
                        .help(format!(
                            "rename it; {} are reserved",
                            RESERVED_PARAMETERS.join(", ")
                        )),
                    );
                }
            }
        }
    }
    for protocol in &model.protocols {
        check_endpoint_openers(model, protocol, diags);
    }
    for decl in &model.types {
        if let TypeDeclKind::Enum {
            flexible: true,
            members,
        } = &decl.kind
        {
            for member in members {
                if member.name.to_upper_camel_case() == "Unknown" {
                    diags.push(
                        Diagnostic::error(
                            codes::GENERATED_NAME_COLLISION,
                            member.span,
                            format!(
                                "flexible enum `{}` has a member named `Unknown`",
                                decl.info.name
                            ),
                        )
                        .label("the generated enum keeps unknown values as `Unknown(u32)`")
                        .help("rename the member"),
                    );
                }
            }
        }
    }
    for package in &model.packages {
        check_package(model, package, diags);
    }
}

/// A manager's send handles get `open_<managed>_endpoint` for each
/// protocol it manages; a message whose method has that name would meet
/// it.
fn check_endpoint_openers(model: &Model, protocol: &Protocol, diags: &mut Diagnostics) {
    for managed in &protocol.manages {
        let opener = format!(
            "open_{}_endpoint",
            model[*managed].info.name.to_snake_case()
        );
        for message in &protocol.messages {
            if message.name.to_snake_case() == opener {
                diags.push(
                    Diagnostic::error(
                        codes::GENERATED_NAME_COLLISION,
                        message.span,
                        format!(
                            "message `{}` of `{}` is named like the generated method that opens a managed `{}`",
                            message.name, protocol.info.name, model[*managed].info.name
                        ),
                    )
                    .label(format!("`{opener}` is taken by the generated code"))
                    .help("rename the message"),
                );
            }
        }
    }
}

/// Every generated item name of a package against its declarations and
/// each other.
fn check_package(model: &Model, package: &Package, diags: &mut Diagnostics) {
    check_runtime_alias(model, package, diags);
    let mut taken: HashMap<String, (Span, String)> = HashMap::new();
    for id in &package.types {
        let info = &model[*id].info;
        taken.insert(
            info.name.clone(),
            (info.span, format!("type `{}`", info.name)),
        );
    }
    for id in &package.consts {
        let info = &model[*id].info;
        taken.insert(
            info.name.clone(),
            (info.span, format!("constant `{}`", info.name)),
        );
    }
    for id in &package.protocols {
        let info = &model[*id].info;
        taken.insert(
            info.name.clone(),
            (info.span, format!("protocol `{}`", info.name)),
        );
    }
    for id in &package.protocols {
        let protocol = &model[*id];
        let name = &protocol.info.name;
        let mut generated = Vec::new();
        for side in ["Parent", "Child"] {
            for suffix in ["Handler", "Handle", "Glue"] {
                generated.push((format!("{name}{side}{suffix}"), protocol.info.span));
            }
            generated.push((
                format!(
                    "{}_{}_SPEC",
                    name.to_shouty_snake_case(),
                    side.to_uppercase()
                ),
                protocol.info.span,
            ));
        }
        for message in &protocol.messages {
            let camel = message.name.to_upper_camel_case();
            generated.push((format!("{name}{camel}Params"), message.span));
            if message.results.as_ref().is_some_and(|r| !r.is_empty()) {
                generated.push((format!("{name}{camel}Results"), message.span));
            }
        }
        for (item, span) in generated {
            let origin = format!("generated `{item}` of protocol `{name}`");
            if let Some((other_span, other)) = taken.get(&item) {
                diags.push(
                    Diagnostic::error(
                        codes::GENERATED_NAME_COLLISION,
                        *other_span,
                        format!("{other} has the name of the {origin}"),
                    )
                    .label("declared here")
                    .secondary(span, "the generated item comes from here")
                    .help("rename one of them"),
                );
                continue;
            }
            taken.insert(item, (span, origin));
        }
    }
}

/// Each generated package module names the runtime crate [`RUNTIME_ALIAS`]:
/// a type or protocol of that name would clash with it, and a `using` path
/// through a crate of that name would resolve to the runtime instead.
/// (Constants live in Rust's value namespace, where the alias is not.)
fn check_runtime_alias(model: &Model, package: &Package, diags: &mut Diagnostics) {
    let alias = RUNTIME_ALIAS;
    let declared = package
        .types
        .iter()
        .map(|id| (&model[*id].info, "type"))
        .chain(
            package
                .protocols
                .iter()
                .map(|id| (&model[*id].info, "protocol")),
        );
    for (info, what) in declared {
        if info.name == alias {
            diags.push(
                Diagnostic::error(
                    codes::GENERATED_NAME_COLLISION,
                    info.span,
                    format!(
                        "{what} `{alias}` has the name the generated code gives the runtime crate"
                    ),
                )
                .label(format!("`{alias}` is taken by the generated code"))
                .help("rename it"),
            );
        }
    }
    for id in &package.types {
        let decl = &model[*id];
        if let TypeDeclKind::External { rust_path, .. } = &decl.kind {
            if starts_a_path_with(rust_path, alias) {
                diags.push(
                    Diagnostic::error(
                        codes::GENERATED_NAME_COLLISION,
                        decl.info.span,
                        format!(
                            "`using {}` names a path through `{alias}`, the name the generated code gives the runtime crate",
                            decl.info.name
                        ),
                    )
                    .label(format!("`{alias}::` would mean the runtime here"))
                    .help(format!("write the crate's absolute path, `::{alias}::…`")),
                );
            }
        }
    }
}

/// Whether `word` starts a relative path somewhere in the Rust type
/// `path` (`mp::X`, `Vec<mp::X>`), as opposed to `::mp::X` or `a::mp::X`.
fn starts_a_path_with(path: &str, word: &str) -> bool {
    let bytes = path.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = 0;
    while start < bytes.len() {
        if !is_ident(bytes[start]) {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && is_ident(bytes[end]) {
            end += 1;
        }
        let before = path[..start].trim_end();
        let after = path[end..].trim_start();
        if &path[start..end] == word && !before.ends_with("::") && after.starts_with("::") {
            return true;
        }
        start = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::starts_a_path_with;

    #[test]
    fn finds_the_alias_only_at_the_start_of_a_path() {
        assert!(starts_a_path_with("mp::Point", "mp"));
        assert!(starts_a_path_with("Vec<mp::Point>", "mp"));
        assert!(starts_a_path_with("mp :: Point", "mp"));
        assert!(!starts_a_path_with("::mp::Point", "mp"));
        assert!(!starts_a_path_with("crate::mp::Point", "mp"));
        assert!(!starts_a_path_with("mpx::Point", "mp"));
        assert!(!starts_a_path_with("crate::geom::mp", "mp"));
        assert!(!starts_a_path_with("mp", "mp"));
    }
}
