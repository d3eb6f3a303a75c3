//! Names the code generator makes (docs/codegen.md) must not meet names
//! the protocol file declares, or each other: such a file is refused here
//! with the two names, rather than left for rustc to reject in generated
//! code.

use std::collections::HashMap;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::*;
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

/// Every generated item name of a package against its declarations and
/// each other.
fn check_package(model: &Model, package: &Package, diags: &mut Diagnostics) {
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
