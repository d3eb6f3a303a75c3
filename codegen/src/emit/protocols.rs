//! Protocols: side types and their static specs, message ids, parameter
//! and result structs, one handler trait and one send handle per side, and
//! the glue that decodes each message and calls the handler.

use heck::{ToShoutySnakeCase, ToSnakeCase};
use machproto_idl::model::{Priority, Side};

use super::text::{Doc, Writer, ident, string, type_doc};
use super::{case_allow, types};
use crate::lower::{MessageKindPlan, MessagePlan, ProtocolPlan};

const SIDES: [Side; 2] = [Side::Parent, Side::Child];

fn other(side: Side) -> Side {
    match side {
        Side::Parent => Side::Child,
        Side::Child => Side::Parent,
    }
}

/// `name` with `suffix`, beside it: `super::pkg::Q` + `ChildHandle`.
fn sibling(path: &str, suffix: &str) -> String {
    format!("{path}{suffix}")
}

/// The spec static of `path`'s `side`: `super::pkg::Q` → `super::pkg::Q_CHILD_SPEC`.
fn spec_path(path: &str, side: Side) -> String {
    let (prefix, name) = match path.rsplit_once("::") {
        Some((prefix, name)) => (format!("{prefix}::"), name),
        None => (String::new(), path),
    };
    format!(
        "{prefix}{}_{}_SPEC",
        name.to_shouty_snake_case(),
        side.suffix().to_uppercase()
    )
}

fn priority(priority: Priority) -> &'static str {
    match priority {
        Priority::Low => "mp::actor::Priority::Low",
        Priority::Normal => "mp::actor::Priority::Normal",
        Priority::Input => "mp::actor::Priority::Input",
        Priority::Vsync => "mp::actor::Priority::Vsync",
        Priority::Control => "mp::actor::Priority::Control",
    }
}

fn side_value(side: Side) -> &'static str {
    match side {
        Side::Parent => "mp::Side::Parent",
        Side::Child => "mp::Side::Child",
    }
}

/// A function's signature, `head(params) -> ret` then `end`: on one line
/// when it fits, otherwise one parameter a line, and the return type
/// broken between its arguments if it is still too long.
fn signature(w: &mut Writer, head: &str, params: Vec<Doc>, ret: Option<&str>, end: &str) {
    let close = match ret {
        Some(ret) => format!(") -> {ret}{end}"),
        None => format!("){end}"),
    };
    let group = Doc::group(format!("{head}("), params, close);
    if w.fits_doc(&group) {
        w.print("", &group, "");
        return;
    }
    let Doc::Group { head, items, .. } = group else {
        return;
    };
    w.line(&head);
    w.indent();
    for param in &items {
        w.print("", param, ",");
    }
    w.outdent();
    match ret {
        Some(ret) => w.print(") -> ", &type_doc(ret), end),
        None => w.parts(&[")", end]),
    }
}

/// Writes the items of one protocol.
pub(crate) fn emit_protocol(plan: &ProtocolPlan, w: &mut Writer) {
    let name = ident(&plan.name);
    w.item();
    w.docs(&plan.docs);
    w.line("#[derive(Debug)]");
    case_allow(&plan.name, w);
    w.parts(&["pub struct ", &name, ";"]);

    w.item();
    if plan.messages.is_empty() {
        w.parts(&["impl ", &name, " {}"]);
    } else {
        w.parts(&["impl ", &name, " {"]);
        w.indent();
        for message in &plan.messages {
            w.doc(&format!(" The identifier of `{}`.", message.name));
            let id = message.id.to_string();
            w.parts(&[
                "pub const ",
                &ident(&message.id_const),
                ": u32 = ",
                &id,
                ";",
            ]);
            if let Some(ms) = message.timeout_ms {
                w.doc(&format!(
                    " The declared default timeout of `{}`.",
                    message.name
                ));
                let timeout = format!("{}_TIMEOUT", message.name.to_shouty_snake_case());
                let head = format!("pub const {}: ::std::time::Duration =", ident(&timeout));
                let value = format!("::std::time::Duration::from_millis({ms});");
                if w.fits(head.len() + 1 + value.len()) {
                    w.parts(&[&head, " ", &value]);
                } else {
                    w.line(&head);
                    w.indent();
                    w.line(&value);
                    w.outdent();
                }
            }
        }
        w.close("}");
    }

    w.item();
    w.parts(&["impl mp::Protocol for ", &name, " {"]);
    w.indent();
    w.parts(&["type Parent = ", &plan.name, "Parent;"]);
    w.parts(&["type Child = ", &plan.name, "Child;"]);
    w.close("}");

    for plan in &plan.structs {
        types::emit_type(plan, w);
    }
    for side in SIDES {
        emit_side(plan, side, w);
    }
}

fn emit_side(plan: &ProtocolPlan, side: Side, w: &mut Writer) {
    let protocol = ident(&plan.name);
    let full_name = string(&plan.full_name);
    let side_name = format!("{}{}", plan.name, side.suffix());
    let side_type = ident(&side_name);
    let handler = format!("{side_name}Handler");
    let handle = format!("{side_name}Handle");
    let glue = format!("{side_name}Glue");
    let spec = spec_path(&plan.name, side);
    let side_word = side.suffix().to_lowercase();
    let receives: Vec<&MessagePlan> = plan
        .messages
        .iter()
        .filter(|m| m.receivers.contains(&side))
        .collect();
    let sends: Vec<&MessagePlan> = plan
        .messages
        .iter()
        .filter(|m| m.receivers.contains(&other(side)))
        .collect();

    w.item();
    w.doc(&format!(" The {side_word} side of `{}`.", plan.name));
    w.line("#[derive(Debug)]");
    case_allow(&plan.name, w);
    w.parts(&["pub struct ", &side_type, ";"]);

    w.item();
    w.parts(&["impl mp::ProtocolSide for ", &side_type, " {"]);
    w.indent();
    w.parts(&["const PROTOCOL: &'static str = ", &full_name, ";"]);
    w.parts(&["const SIDE: mp::Side = ", side_value(side), ";"]);
    w.close("}");

    w.item();
    w.parts(&["impl mp::actor::ActorSide for ", &side_type, " {"]);
    w.indent();
    w.parts(&["const SPEC: &'static mp::actor::SideSpec = &", &spec, ";"]);
    w.close("}");

    w.item();
    w.parts(&[
        "pub(crate) static ",
        &spec,
        ": mp::actor::SideSpec = mp::actor::SideSpec {",
    ]);
    w.indent();
    w.parts(&["protocol: ", &full_name, ","]);
    w.parts(&["side: ", side_value(side), ","]);
    if receives.is_empty() {
        w.line("receives: &[],");
    } else {
        w.open("receives: &[");
        for message in &receives {
            let kind = match &message.kind {
                MessageKindPlan::Async => "mp::actor::MessageKind::Async".to_owned(),
                MessageKindPlan::Call => "mp::actor::MessageKind::Call".to_owned(),
                MessageKindPlan::Sync => "mp::actor::MessageKind::Sync".to_owned(),
                MessageKindPlan::Delete => "mp::actor::MessageKind::Delete".to_owned(),
                MessageKindPlan::Constructor(target) => format!(
                    "mp::actor::MessageKind::Constructor(&{})",
                    spec_path(target, side)
                ),
            };
            w.open("mp::actor::MessageSpec {");
            w.parts(&["id: ", &protocol, "::", &ident(&message.id_const), ","]);
            w.parts(&["name: ", &string(&message.name), ","]);
            w.parts(&["kind: ", &kind, ","]);
            w.parts(&["priority: ", priority(message.priority), ","]);
            w.parts(&[
                "compress: ",
                if message.compress { "true" } else { "false" },
                ",",
            ]);
            w.close("},");
        }
        w.close("],");
    }
    let sent_ids = sends
        .iter()
        .map(|message| Doc::text(format!("{protocol}::{}", ident(&message.id_const))))
        .collect();
    w.print("sends: ", &Doc::group("&[", sent_ids, "]"), ",");
    match &plan.peer_process[usize::from(side == Side::Child)] {
        Some(kind) => w.parts(&[
            "peer_process: ::std::option::Option::Some(",
            &string(kind),
            "),",
        ]),
        None => w.line("peer_process: ::std::option::Option::None,"),
    }
    let managed_specs = plan
        .manages
        .iter()
        .map(|managed| Doc::text(format!("&{}", spec_path(managed, side))))
        .collect();
    w.print("manages: ", &Doc::group("&[", managed_specs, "]"), ",");
    w.close("};");

    w.item();
    w.doc(&format!(
        " What the {side_word} side of `{}` receives.",
        plan.name
    ));
    case_allow(&plan.name, w);
    w.parts(&["pub trait ", &handler, ": ::std::marker::Send + 'static {"]);
    w.indent();
    for message in &receives {
        handler_method(plan, message, side, w);
    }
    w.line("/// The actor is gone; called once, after its managees'.");
    w.open("fn actor_destroyed(&mut self, reason: mp::actor::DestroyReason) {");
    w.line("let _ = reason;");
    w.close("}");
    w.close("}");

    w.item();
    w.line("/// Decodes each message and calls the handler.");
    case_allow(&plan.name, w);
    let boxed = Doc::text(format!("pub(crate) ::std::boxed::Box<dyn {handler}>"));
    signature(
        w,
        &format!("pub(crate) struct {glue}"),
        vec![boxed],
        None,
        ";",
    );

    w.item();
    w.parts(&["impl mp::actor::Actor for ", &glue, " {"]);
    w.indent();
    dispatch(plan, &receives, side, w);
    w.open("fn destroyed(&mut self, reason: mp::actor::DestroyReason) {");
    w.line("self.0.actor_destroyed(reason);");
    w.close("}");
    w.close("}");

    // On the side type, not the handle, whose methods are the messages.
    if !plan.managed {
        w.item();
        w.parts(&["impl ", &side_type, " {"]);
        w.indent();
        w.line("/// Binds `endpoint` with `handler` as the channel's");
        w.line("/// top-level actor, delivered on `event_loop`. Close the");
        w.line("/// channel with `handle.as_ref().close()`.");
        signature(
            w,
            "pub fn open",
            vec![
                Doc::text(format!("endpoint: mp::Endpoint<{side_type}>")),
                Doc::text("event_loop: &mp::actor::EventLoop"),
                Doc::text("options: &mp::actor::ActorOptions"),
                Doc::text(format!("handler: impl {handler}")),
            ],
            Some(&format!("::std::io::Result<{handle}>")),
            " {",
        );
        w.indent();
        boxed_glue(&glue, w);
        w.parts(&[
            "Ok(",
            &handle,
            "(endpoint.open(event_loop, options, actor)?))",
        ]);
        w.close("}");
        w.close("}");
    } else {
        emit_bind(&side_type, &handler, &handle, &glue, w);
    }

    w.item();
    w.doc(&format!(
        " Sends from the {side_word} side of `{}`.",
        plan.name
    ));
    w.doc("");
    w.doc(" Its methods are the messages this side sends; the runtime's");
    w.doc(" handle (`is_alive`, `close`) is `as_ref()`.");
    w.line("#[derive(Clone, Debug)]");
    case_allow(&plan.name, w);
    w.parts(&["pub struct ", &handle, "(mp::actor::ActorHandle);"]);

    w.item();
    w.parts(&[
        "impl ::std::convert::AsRef<mp::actor::ActorHandle> for ",
        &handle,
        " {",
    ]);
    w.indent();
    w.open("fn as_ref(&self) -> &mp::actor::ActorHandle {");
    w.line("&self.0");
    w.close("}");
    w.close("}");

    w.item();
    if sends.is_empty() && plan.manages.is_empty() {
        w.parts(&["impl ", &handle, " {}"]);
    } else {
        w.parts(&["impl ", &handle, " {"]);
        w.indent();
        for message in &sends {
            send_method(plan, message, side, w);
        }
        for managed in &plan.manages {
            open_managed_endpoint(managed, side, w);
        }
        w.close("}");
    }
}

/// `QS::bind`, on the side type of a managed protocol: binds a managed
/// endpoint the peer opened.
fn emit_bind(side_type: &str, handler: &str, handle: &str, glue: &str, w: &mut Writer) {
    w.item();
    w.parts(&["impl ", side_type, " {"]);
    w.indent();
    w.line("/// Binds `endpoint`, which the peer opened under the peer of");
    w.line("/// `manager`, with `handler` as this side of the new actor. What");
    w.line("/// the peer sent it meanwhile comes first.");
    signature(
        w,
        "pub fn bind",
        vec![
            Doc::text(format!("endpoint: mp::ManagedEndpoint<{side_type}>")),
            Doc::text("manager: &impl ::std::convert::AsRef<mp::actor::ActorHandle>"),
            Doc::text(format!("handler: impl {handler}")),
        ],
        Some(&format!(
            "::std::result::Result<{handle}, mp::actor::ManagedBindError<{side_type}>>"
        )),
        " {",
    );
    w.indent();
    boxed_glue(glue, w);
    w.parts(&["Ok(", handle, "(endpoint.bind(manager.as_ref(), actor)?))"]);
    w.close("}");
    w.close("}");
}

/// `open_<managed>_endpoint`, on a manager's handle: our side of a new
/// actor of the managed protocol at `path`, and the peer's endpoint.
fn open_managed_endpoint(path: &str, side: Side, w: &mut Writer) {
    let name = path.rsplit("::").next().unwrap_or(path);
    let ours = side.suffix();
    let theirs = other(side).suffix();
    let handle = sibling(path, &format!("{ours}Handle"));
    w.doc(&format!(
        " Opens a `{name}` under this actor: `handler` is our side of it,"
    ));
    w.doc(&format!(
        " the endpoint is the peer's (`{name}{theirs}::bind` binds it). Dropped"
    ));
    w.doc(" unbound, it ends ours with `ManagedEndpointDropped`.");
    signature(
        w,
        &format!("pub fn open_{}_endpoint", name.to_snake_case()),
        vec![
            Doc::text("&self"),
            Doc::text(format!(
                "handler: impl {}",
                sibling(path, &format!("{ours}Handler"))
            )),
        ],
        Some(&format!(
            "::std::result::Result<({handle}, mp::ManagedEndpoint<{}>), mp::actor::ActorSendError>",
            sibling(path, theirs)
        )),
        " {",
    );
    w.indent();
    boxed_glue(&sibling(path, &format!("{ours}Glue")), w);
    w.print(
        "let (handle, endpoint) = ",
        &Doc::group(
            "self.0.open_managed_endpoint(",
            vec![
                Doc::text(format!("&{}", spec_path(path, side))),
                Doc::text("actor"),
            ],
            ")?",
        ),
        ";",
    );
    w.parts(&["Ok((", &handle, "(handle), endpoint))"]);
    w.close("}");
}

/// `let actor = Box::new(Glue(Box::new(handler)));`
fn boxed_glue(glue: &str, w: &mut Writer) {
    let inner = Doc::text(format!("{glue}(::std::boxed::Box::new(handler))"));
    w.print(
        "let actor = ",
        &Doc::group("::std::boxed::Box::new(", vec![inner], ")"),
        ";",
    );
}

/// `#[allow(clippy::too_many_arguments)]` on a method with more than
/// clippy's seven arguments: it mirrors a message the protocol declares.
fn many_arguments(count: usize, w: &mut Writer) {
    if count > 7 {
        w.line("#[allow(clippy::too_many_arguments)]");
    }
}

/// The parameters as `name: Type`.
fn params(message: &MessagePlan) -> impl Iterator<Item = Doc> + '_ {
    message
        .params
        .iter()
        .map(|field| type_doc(&field.ty).prefixed(&format!("{}: ", ident(&field.name))))
}

/// The parameters' names.
fn names(message: &MessagePlan) -> impl Iterator<Item = Doc> + '_ {
    message
        .params
        .iter()
        .map(|field| Doc::text(ident(&field.name)))
}

fn handler_method(plan: &ProtocolPlan, message: &MessagePlan, side: Side, w: &mut Writer) {
    let extra = usize::from(!matches!(
        message.kind,
        MessageKindPlan::Async | MessageKindPlan::Delete
    ));
    w.docs(&message.docs);
    match &message.kind {
        MessageKindPlan::Constructor(_) => {
            w.line("/// Returns the new actor's handler, or `None` to refuse it.");
        }
        MessageKindPlan::Delete => w.line("/// The peer deleted this actor (its end follows)."),
        _ => {}
    }
    many_arguments(2 + message.params.len() + extra, w);
    let head = format!("fn {}", ident(&message.method));
    let handle = format!("{}{}Handle", plan.name, side.suffix());
    let mut items = vec![
        Doc::text("&mut self"),
        Doc::text(format!("actor: &{handle}")),
    ];
    match &message.kind {
        MessageKindPlan::Async => {
            items.extend(params(message));
            signature(w, &head, items, None, ";");
        }
        MessageKindPlan::Call | MessageKindPlan::Sync => {
            let reply = message.reply.as_deref().unwrap_or("()");
            items.extend(params(message));
            let responder = type_doc(&format!("mp::actor::Responder<{reply}>"));
            items.push(responder.prefixed("responder: "));
            signature(w, &head, items, None, ";");
        }
        MessageKindPlan::Constructor(target) => {
            let new_handle = sibling(target, &format!("{}Handle", side.suffix()));
            let new_handler = sibling(target, &format!("{}Handler", side.suffix()));
            items.push(Doc::text(format!("new_actor: &{new_handle}")));
            items.extend(params(message));
            let ret = format!("::std::option::Option<::std::boxed::Box<dyn {new_handler}>>");
            signature(w, &head, items, Some(&ret), ";");
        }
        MessageKindPlan::Delete => {
            items.extend(params(message));
            signature(w, &head, items, None, " {");
            w.indent();
            if message.params.is_empty() {
                w.line("let _ = actor;");
            } else {
                let mut all = vec![Doc::text("actor")];
                all.extend(names(message));
                w.print("let _ = ", &Doc::group("(", all, ")"), ";");
            }
            w.close("}");
        }
    }
}

/// `let Params { a, b } = incoming.decode()?;`
fn decode_params(message: &MessagePlan, w: &mut Writer) {
    let pattern = Doc::group(
        format!("{} {{", ident(&message.params_struct)),
        names(message).collect(),
        "}",
    );
    w.print("let ", &pattern, " = incoming.decode()?;");
}

fn dispatch(plan: &ProtocolPlan, receives: &[&MessagePlan], side: Side, w: &mut Writer) {
    let full_name = string(&plan.full_name);
    let result = "::std::result::Result<mp::actor::Handled, mp::actor::BadMessage>";
    if receives.is_empty() {
        let params = vec![
            Doc::text("&mut self"),
            Doc::text("incoming: mp::actor::Incoming"),
        ];
        signature(w, "fn receive", params, Some(result), " {");
        w.indent();
        w.open("Err(mp::actor::BadMessage::UnknownMessage {");
        w.parts(&["protocol: ", &full_name, ","]);
        w.line("message: incoming.id(),");
        w.close("})");
        w.close("}");
        return;
    }
    let protocol = ident(&plan.name);
    let handle = format!("{}{}Handle", plan.name, side.suffix());
    let params = vec![
        Doc::text("&mut self"),
        Doc::text("mut incoming: mp::actor::Incoming"),
    ];
    signature(w, "fn receive", params, Some(result), " {");
    w.indent();
    w.parts(&["let actor = ", &handle, "(incoming.actor().clone());"]);
    w.open("match incoming.id() {");
    for message in receives {
        w.parts(&[&protocol, "::", &ident(&message.id_const), " => {"]);
        w.indent();
        decode_params(message, w);
        let call = format!("self.0.{}(", ident(&message.method));
        match &message.kind {
            MessageKindPlan::Async | MessageKindPlan::Delete => {
                let mut args = vec![Doc::text("&actor")];
                args.extend(names(message));
                w.print("", &Doc::group(call, args, ");"), "");
                w.line("Ok(mp::actor::Handled::Done)");
            }
            MessageKindPlan::Call | MessageKindPlan::Sync => {
                w.line(
                    "let responder = incoming.responder().ok_or(mp::actor::BadMessage::WrongKind {",
                );
                w.indent();
                w.line("message: incoming.spec().name,");
                w.close("})?;");
                let mut args = vec![Doc::text("&actor")];
                args.extend(names(message));
                args.push(Doc::text("responder"));
                w.print("", &Doc::group(call, args, ");"), "");
                w.line("Ok(mp::actor::Handled::Done)");
            }
            MessageKindPlan::Constructor(target) => {
                let new_handle = sibling(target, &format!("{}Handle", side.suffix()));
                let new_glue = sibling(target, &format!("{}Glue", side.suffix()));
                w.line("let new_actor = incoming");
                w.indent();
                w.line(".new_actor()");
                w.line(".cloned()");
                w.line(".ok_or(mp::actor::BadMessage::WrongKind {");
                w.indent();
                w.line("message: incoming.spec().name,");
                w.close("})?;");
                w.outdent();
                w.parts(&["let new_actor = ", &new_handle, "(new_actor);"]);
                let mut args = vec![Doc::text("&actor"), Doc::text("&new_actor")];
                args.extend(names(message));
                w.print("Ok(match ", &Doc::group(call, args, ")"), " {");
                w.indent();
                w.open("::std::option::Option::Some(handler) => {");
                let glue = Doc::text(format!("::std::boxed::Box::new({new_glue}(handler))"));
                w.print(
                    "",
                    &Doc::group("mp::actor::Handled::Constructed(", vec![glue], ")"),
                    "",
                );
                w.close("}");
                w.line("::std::option::Option::None => mp::actor::Handled::Refused,");
                w.close("})");
            }
        }
        w.close("}");
    }
    w.open("other => Err(mp::actor::BadMessage::UnknownMessage {");
    w.parts(&["protocol: ", &full_name, ","]);
    w.line("message: other,");
    w.close("}),");
    w.close("}");
    w.close("}");
}

fn send_method(plan: &ProtocolPlan, message: &MessagePlan, side: Side, w: &mut Writer) {
    let extra = usize::from(matches!(
        message.kind,
        MessageKindPlan::Sync | MessageKindPlan::Constructor(_)
    ));
    w.docs(&message.docs);
    match &message.kind {
        MessageKindPlan::Sync => w.line("/// Blocks this thread until the answer or `timeout`."),
        MessageKindPlan::Constructor(_) => {
            w.line("/// Constructs the new actor: `handler` is this side of it.");
        }
        MessageKindPlan::Delete => {
            w.line("/// Deletes this actor and its managees, on both sides.");
        }
        _ => {}
    }
    many_arguments(1 + message.params.len() + extra, w);
    let head = format!("pub fn {}", ident(&message.method));
    let id = format!("{}::{}", ident(&plan.name), ident(&message.id_const));
    let send_error = "mp::actor::ActorSendError";
    let reply = message.reply.as_deref().unwrap_or("()");
    let mut items = vec![Doc::text("&self")];
    items.extend(params(message));
    let ret = match &message.kind {
        MessageKindPlan::Async | MessageKindPlan::Delete => {
            format!("::std::result::Result<(), {send_error}>")
        }
        MessageKindPlan::Call => {
            format!("::std::result::Result<mp::actor::Reply<{reply}>, {send_error}>")
        }
        MessageKindPlan::Sync => {
            items.push(Doc::text("timeout: ::std::time::Duration"));
            format!("::std::result::Result<{reply}, mp::channel::SyncCallError>")
        }
        MessageKindPlan::Constructor(target) => {
            let new_handler = sibling(target, &format!("{}Handler", side.suffix()));
            let new_handle = sibling(target, &format!("{}Handle", side.suffix()));
            items.push(Doc::text(format!("handler: impl {new_handler}")));
            format!("::std::result::Result<{new_handle}, {send_error}>")
        }
    };
    signature(w, &head, items, Some(&ret), " {");
    w.indent();
    // Both send errors convert from `EncodeError` (as `Invalid`).
    let value = Doc::group(
        format!("{} {{", ident(&message.params_struct)),
        names(message).collect(),
        "}",
    );
    w.print("let body = mp::wire::encode(", &value, ")?;");
    match &message.kind {
        MessageKindPlan::Async => w.parts(&["self.0.send(", &id, ", body)"]),
        MessageKindPlan::Call => w.parts(&["self.0.call(", &id, ", body)"]),
        MessageKindPlan::Sync => w.parts(&["self.0.call_sync(", &id, ", body, timeout)"]),
        MessageKindPlan::Delete => w.parts(&["self.0.delete(", &id, ", body)"]),
        MessageKindPlan::Constructor(target) => {
            let new_handle = sibling(target, &format!("{}Handle", side.suffix()));
            let new_glue = sibling(target, &format!("{}Glue", side.suffix()));
            boxed_glue(&new_glue, w);
            let args = vec![
                Doc::text(id),
                Doc::text("body"),
                Doc::text(format!("&{}", spec_path(target, side))),
                Doc::text("actor"),
            ];
            w.print(
                "let actor = ",
                &Doc::group("self.0.construct(", args, ")"),
                "?;",
            );
            w.parts(&["Ok(", &new_handle, "(actor))"]);
        }
    }
    w.close("}");
}
