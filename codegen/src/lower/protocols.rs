//! Protocols: sides, messages, and who sends and receives what.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use machproto_idl::model::{Direction, Model, PackageId, Priority, ProtocolId, Sendness, Side};

use super::types::{FieldPlan, TypePlan, lower_fields, path_to, type_path};

/// A protocol.
#[derive(Debug)]
pub struct ProtocolPlan {
    /// Its name (`Compositor`); the sides are `<name>Parent`, `<name>Child`.
    pub name: String,
    /// `package.Protocol`, the identity the bind handshake checks.
    pub full_name: String,
    /// `///` lines.
    pub docs: Vec<String>,
    /// Whether it has a manager (no `open`, no `close`).
    pub managed: bool,
    /// The process kind each side requires of its peer: the parent's is
    /// `[ChildProc]`, the child's `[ParentProc]`.
    pub peer_process: [Option<String>; 2],
    /// The paths (from here) of the protocols it manages.
    pub manages: Vec<String>,
    /// Messages in source order.
    pub messages: Vec<MessagePlan>,
    /// Parameter and result structs of the messages.
    pub structs: Vec<TypePlan>,
}

/// One message.
#[derive(Debug)]
pub struct MessagePlan {
    /// As declared, for reports.
    pub name: String,
    /// The id constant, `SCREAMING_SNAKE` of the name plus `_ID`.
    pub id_const: String,
    /// The value of the id.
    pub id: u32,
    /// The handler and handle method (`snake_case`).
    pub method: String,
    /// Which sides receive it.
    pub receivers: Vec<Side>,
    /// How it travels.
    pub kind: MessageKindPlan,
    /// The parameters struct (`<Protocol><Message>Params`).
    pub params_struct: String,
    /// The parameters, in order.
    pub params: Vec<FieldPlan>,
    /// The reply's Rust type (`()`, `<Protocol><Message>Results`, or a
    /// `Result` of that and the error type); `None` without a reply.
    pub reply: Option<String>,
    /// Delivery priority.
    pub priority: Priority,
    /// `[Compress]`.
    pub compress: bool,
    /// The declared default timeout, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// `///` lines.
    pub docs: Vec<String>,
}

/// How a message travels.
#[derive(Debug)]
pub enum MessageKindPlan {
    /// Async without a reply.
    Async,
    /// Async with a reply.
    Call,
    /// Sync.
    Sync,
    /// A constructor of the managed protocol `name` (its path from here).
    Constructor(String),
    /// `delete`.
    Delete,
}

pub(super) fn lower_protocol(model: &Model, package_name: &str, id: ProtocolId) -> ProtocolPlan {
    let protocol = &model[id];
    let package = protocol.info.package;
    let name = protocol.info.name.clone();
    let mut structs = Vec::new();
    let messages = protocol
        .messages
        .iter()
        .map(|message| {
            let camel = message.name.to_upper_camel_case();
            let params_struct = format!("{name}{camel}Params");
            let params = lower_fields(model, package, &message.params);
            structs.push(TypePlan::Struct {
                name: params_struct.clone(),
                docs: vec![format!(" The parameters of `{name}.{}`.", message.name)],
                fields: lower_fields(model, package, &message.params),
                derives: super::types::derives_of(model, message.params.iter().map(|f| &f.ty)),
            });
            let reply = message.results.as_ref().map(|results| {
                let value = if results.is_empty() {
                    "()".to_owned()
                } else {
                    let results_struct = format!("{name}{camel}Results");
                    structs.push(TypePlan::Struct {
                        name: results_struct.clone(),
                        docs: vec![format!(" The results of `{name}.{}`.", message.name)],
                        fields: lower_fields(model, package, results),
                        derives: super::types::derives_of(model, results.iter().map(|f| &f.ty)),
                    });
                    results_struct
                };
                match message.error {
                    Some(error) => {
                        let info = &model[error].info;
                        let error = type_path(model, package, info.package, &info.name);
                        format!("::std::result::Result<{value}, {error}>")
                    }
                    None => value,
                }
            });
            let kind = if message.is_delete {
                MessageKindPlan::Delete
            } else if let Some(target) = message.constructs {
                MessageKindPlan::Constructor(protocol_path(model, package, target))
            } else {
                match (message.sendness, reply.is_some()) {
                    (Sendness::Sync, _) => MessageKindPlan::Sync,
                    (Sendness::Async, true) => MessageKindPlan::Call,
                    (Sendness::Async, false) => MessageKindPlan::Async,
                }
            };
            let receivers = match message.direction {
                Direction::Parent => vec![Side::Parent],
                Direction::Child => vec![Side::Child],
                Direction::Both => vec![Side::Parent, Side::Child],
            };
            MessagePlan {
                name: message.name.clone(),
                id_const: format!("{}_ID", message.name.to_shouty_snake_case()),
                id: message.id,
                method: message.name.to_snake_case(),
                receivers,
                kind,
                params_struct,
                params,
                // A sync message without results still answers (L24).
                reply: reply
                    .or_else(|| (message.sendness == Sendness::Sync).then(|| "()".to_owned())),
                priority: message.attrs.priority.unwrap_or(Priority::Normal),
                compress: message.attrs.compress,
                timeout_ms: message.attrs.timeout_ms,
                docs: message.docs.clone(),
            }
        })
        .collect();
    ProtocolPlan {
        full_name: format!("{package_name}.{name}"),
        name,
        docs: protocol.info.docs.clone(),
        managed: protocol.is_managed(),
        peer_process: [protocol.child_proc.clone(), protocol.parent_proc.clone()],
        manages: protocol
            .manages
            .iter()
            .map(|managed| protocol_path(model, package, *managed))
            .collect(),
        messages,
        structs,
    }
}

/// The path of protocol `target` from `from`'s module.
fn protocol_path(model: &Model, from: PackageId, target: ProtocolId) -> String {
    let info = &model[target].info;
    path_to(model, from, info.package, &info.name)
}
