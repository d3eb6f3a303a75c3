//! Attributes (L29): known names, valid placement, at most once per element,
//! and values of the right shape.

use crate::ast::{Attribute, LiteralKind, Message, Meta, Sendness};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::Priority;
use crate::names::did_you_mean;

/// The elements attributes can be written on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Element {
    Package,
    Import,
    Using,
    Const,
    Struct,
    Enum,
    Union,
    Protocol,
    Message,
    Field,
    Member,
    Variant,
    Parameter,
}

impl Element {
    fn describe(self) -> &'static str {
        match self {
            Element::Package => "a `package` statement",
            Element::Import => "an `import`",
            Element::Using => "a `using` declaration",
            Element::Const => "a constant",
            Element::Struct => "a struct",
            Element::Enum => "an enum",
            Element::Union => "a union",
            Element::Protocol => "a protocol",
            Element::Message => "a message",
            Element::Field => "a field",
            Element::Member => "an enum member",
            Element::Variant => "a union variant",
            Element::Parameter => "a parameter",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Value {
    Flag,
    Priority,
    Duration,
    U32,
    Name,
    OptionalText,
}

struct Spec {
    name: &'static str,
    value: Value,
    on: &'static [Element],
}

const DECLARATIONS_AND_MESSAGES: &[Element] = &[
    Element::Using,
    Element::Const,
    Element::Struct,
    Element::Enum,
    Element::Union,
    Element::Protocol,
    Element::Message,
];

const SPECS: &[Spec] = &[
    Spec {
        name: "Priority",
        value: Value::Priority,
        on: &[Element::Message],
    },
    Spec {
        name: "ReplyPriority",
        value: Value::Priority,
        on: &[Element::Message],
    },
    Spec {
        name: "Compress",
        value: Value::Flag,
        on: &[Element::Message],
    },
    Spec {
        name: "Tainted",
        value: Value::Flag,
        on: &[Element::Message],
    },
    Spec {
        name: "UnlimitedSize",
        value: Value::Flag,
        on: &[Element::Message],
    },
    Spec {
        name: "Timeout",
        value: Value::Duration,
        on: &[Element::Message],
    },
    Spec {
        name: "Id",
        value: Value::U32,
        on: &[Element::Message],
    },
    Spec {
        name: "ChildProc",
        value: Value::Name,
        on: &[Element::Protocol],
    },
    Spec {
        name: "ParentProc",
        value: Value::Name,
        on: &[Element::Protocol],
    },
    Spec {
        name: "Serde",
        value: Value::Flag,
        on: &[Element::Using],
    },
    Spec {
        name: "Resource",
        value: Value::Flag,
        on: &[Element::Using],
    },
    Spec {
        name: "Deprecated",
        value: Value::OptionalText,
        on: DECLARATIONS_AND_MESSAGES,
    },
];

/// Checks the attributes of one element.
pub(crate) fn check_attrs(meta: &Meta, element: Element, diags: &mut Diagnostics) {
    for (index, attr) in meta.attrs.iter().enumerate() {
        let Some(spec) = SPECS.iter().find(|s| s.name == attr.name.name) else {
            diags.push(unknown(attr, element));
            continue;
        };
        if let Some(first) = meta.attrs[..index]
            .iter()
            .find(|a| a.name.name == spec.name)
        {
            diags.push(
                Diagnostic::error(
                    codes::REPEATED_ATTRIBUTE,
                    attr.name.span,
                    format!("attribute `{}` is given twice", spec.name),
                )
                .label("repeated here")
                .secondary(first.name.span, "first given here")
                .help("remove one of them"),
            );
            continue;
        }
        if !spec.on.contains(&element) {
            let places: Vec<&str> = spec.on.iter().map(|e| e.describe()).collect();
            diags.push(
                Diagnostic::error(
                    codes::MISPLACED_ATTRIBUTE,
                    attr.name.span,
                    format!(
                        "attribute `{}` cannot be used on {}",
                        spec.name,
                        element.describe()
                    ),
                )
                .label("not valid here")
                .help(format!("`{}` applies to {}", spec.name, places.join(", "))),
            );
            continue;
        }
        check_value(attr, spec, diags);
    }
}

fn unknown(attr: &Attribute, element: Element) -> Diagnostic {
    let valid_here = SPECS
        .iter()
        .filter(|s| s.on.contains(&element))
        .map(|s| s.name);
    let mut diagnostic = Diagnostic::error(
        codes::UNKNOWN_ATTRIBUTE,
        attr.name.span,
        format!("unknown attribute `{}`", attr.name.name),
    )
    .label("not an attribute");
    let suggestion = did_you_mean(&attr.name.name, valid_here)
        .or_else(|| did_you_mean(&attr.name.name, SPECS.iter().map(|s| s.name)));
    if let Some(name) = suggestion {
        diagnostic = diagnostic.help(format!("did you mean `{name}`?"));
    }
    diagnostic
}

fn check_value(attr: &Attribute, spec: &Spec, diags: &mut Diagnostics) {
    let problem = match (&spec.value, &attr.value) {
        (Value::Flag, None) | (Value::OptionalText, None) => return,
        (Value::Flag, Some(_)) => format!("attribute `{}` takes no value", spec.name),
        (_, None) => format!(
            "attribute `{}` needs a value: {}",
            spec.name,
            expected(spec.value)
        ),
        (Value::Priority, Some(value)) => match &value.kind {
            LiteralKind::Name(path) if Priority::from_word(&path.dotted()).is_some() => return,
            LiteralKind::Name(path) => {
                let mut diagnostic =
                    bad_value(attr, spec, &format!("unknown priority `{}`", path.dotted()));
                if let Some(name) = did_you_mean(&path.dotted(), Priority::NAMES.iter().copied()) {
                    diagnostic.help = vec![format!("did you mean `{name}`?")];
                } else {
                    diagnostic.help = vec![
                        "use one of `low`, `normal`, `input`, `vsync` or `control`".to_owned(),
                    ];
                }
                diags.push(diagnostic);
                return;
            }
            _ => format!("`{}` takes {}", spec.name, expected(spec.value)),
        },
        (Value::Duration, Some(value)) => match value.kind {
            LiteralKind::Duration(Some(ms)) if ms > 0 => return,
            LiteralKind::Duration(Some(_)) => "a timeout must be longer than zero".to_owned(),
            // Already reported where the literal was parsed.
            LiteralKind::Duration(None) => return,
            _ => format!("`{}` takes {}", spec.name, expected(spec.value)),
        },
        (Value::U32, Some(value)) => match value.kind {
            LiteralKind::Int(Some(n)) if (0..=i128::from(u32::MAX)).contains(&n) => return,
            LiteralKind::Int(None) => return,
            LiteralKind::Int(_) => format!("`{}` must fit in `u32`", spec.name),
            _ => format!("`{}` takes {}", spec.name, expected(spec.value)),
        },
        (Value::Name, Some(value)) => match &value.kind {
            LiteralKind::Name(path) if path.segments.len() == 1 => return,
            _ => format!("`{}` takes {}", spec.name, expected(spec.value)),
        },
        (Value::OptionalText, Some(value)) => match value.kind {
            LiteralKind::Str(_) => return,
            _ => format!("`{}` takes {}", spec.name, expected(spec.value)),
        },
    };
    diags.push(bad_value(attr, spec, &problem));
}

fn bad_value(attr: &Attribute, spec: &Spec, message: &str) -> Diagnostic {
    let span = attr.value.as_ref().map_or(attr.span, |v| v.span);
    Diagnostic::error(codes::BAD_ATTRIBUTE_VALUE, span, message)
        .label("wrong value")
        .help(format!("write `{}`", example(spec)))
}

fn expected(value: Value) -> &'static str {
    match value {
        Value::Flag => "no value",
        Value::Priority => "a priority (`low`, `normal`, `input`, `vsync` or `control`)",
        Value::Duration => "a duration such as `250ms` or `2s`",
        Value::U32 => "an integer",
        Value::Name => "a process kind name",
        Value::OptionalText => "a string",
    }
}

fn example(spec: &Spec) -> String {
    let value = match spec.value {
        Value::Flag => return format!("[{}]", spec.name),
        Value::Priority => "input",
        Value::Duration => "100ms",
        Value::U32 => "42",
        Value::Name => "content",
        Value::OptionalText => "\"use NewThing instead\"",
    };
    format!("[{} = {value}]", spec.name)
}

/// Message attributes that depend on the message's shape (L29's table).
pub(crate) fn check_message_shape(message: &Message, diags: &mut Diagnostics) {
    let has_reply = message.results.is_some();
    let is_sync = message.sendness.0 == Sendness::Sync;
    for attr in &message.meta.attrs {
        let problem = match attr.name.name.as_str() {
            "ReplyPriority" if !has_reply => "`ReplyPriority` needs a message with a reply",
            "Compress" if is_sync || has_reply => {
                "`Compress` applies only to `async` messages without a reply"
            }
            "Timeout" if !is_sync && !has_reply => {
                "`Timeout` applies only to `sync` messages and `async` messages with a reply"
            }
            _ => continue,
        };
        diags.push(
            Diagnostic::error(
                codes::MISPLACED_ATTRIBUTE,
                attr.name.span,
                problem.to_owned(),
            )
            .label("not valid on this message")
            .secondary(message.name.span, "message declared here"),
        );
    }
}

/// `[Serde]` and `[Resource]` on one `using` (L8).
pub(crate) fn check_using_mode(meta: &Meta, diags: &mut Diagnostics) {
    let serde = meta.attrs.iter().find(|a| a.name.name == "Serde");
    let resource = meta.attrs.iter().find(|a| a.name.name == "Resource");
    if let (Some(serde), Some(resource)) = (serde, resource) {
        diags.push(
            Diagnostic::error(
                codes::CONFLICTING_ATTRIBUTES,
                resource.name.span,
                "`Serde` and `Resource` exclude each other",
            )
            .label("`Resource` types travel through `MachMessage`")
            .secondary(serde.name.span, "`Serde` types are plain data")
            .help("a serde value cannot carry rights; keep one of the two"),
        );
    }
}
