//! Protocol structure: managers (L20), sync rules (L24), replies with errors
//! (L25), constructors (L26), destructors (L27) and message ids (L28).

use super::graph::{cycle_through, strongly_connected};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::*;

pub(super) fn check_protocols(model: &Model, diags: &mut Diagnostics) {
    check_manager_agreement(model, diags);
    check_manager_cycles(model, diags);
    check_reachability(model, diags);
    for protocol in &model.protocols {
        check_sync(model, protocol, diags);
        check_constructors(model, protocol, diags);
        check_delete(protocol, diags);
        check_message_ids(protocol, diags);
        for message in &protocol.messages {
            if let (Some(span), None) = (message.syntax.error, &message.results) {
                diags.push(
                    Diagnostic::error(
                        codes::ERROR_WITHOUT_REPLY,
                        span,
                        format!("message `{}` has an error type but no reply", message.name),
                    )
                    .label("`error` needs `-> (…)`")
                    .help("add a reply, `-> ()` if it carries no results"),
                );
            }
        }
    }
}

fn name(model: &Model, id: ProtocolId) -> &str {
    &model[id].info.name
}

fn check_manager_agreement(model: &Model, diags: &mut Diagnostics) {
    for (index, protocol) in model.protocols.iter().enumerate() {
        let this = ProtocolId(index as u32);
        for (&manager, &span) in protocol.managers.iter().zip(&protocol.manager_spans) {
            if !model[manager].manages.contains(&this) {
                diags.push(
                    Diagnostic::error(
                        codes::MANAGER_MISMATCH,
                        span,
                        format!(
                            "`{}` names `{}` as its manager, but `{}` does not manage it",
                            protocol.info.name,
                            name(model, manager),
                            name(model, manager)
                        ),
                    )
                    .label("manager named here")
                    .secondary(model[manager].info.span, "protocol declared here")
                    .help(format!(
                        "add `manages {};` to `{}`",
                        protocol.info.name,
                        name(model, manager)
                    )),
                );
            }
        }
        for (&managed, &span) in protocol.manages.iter().zip(&protocol.manages_spans) {
            if !model[managed].managers.contains(&this) {
                diags.push(
                    Diagnostic::error(
                        codes::MANAGER_MISMATCH,
                        span,
                        format!(
                            "`{}` manages `{}`, but `{}` does not name it as a manager",
                            protocol.info.name,
                            name(model, managed),
                            name(model, managed)
                        ),
                    )
                    .label("managed protocol named here")
                    .secondary(model[managed].info.span, "protocol declared here")
                    .help(format!(
                        "add `manager {};` to `{}`",
                        protocol.info.name,
                        name(model, managed)
                    )),
                );
            }
        }
    }
}

/// The manager graph is acyclic except for self-loops of protocols that
/// also have another manager (trees of frames).
fn check_manager_cycles(model: &Model, diags: &mut Diagnostics) {
    let edges: Vec<Vec<usize>> = model
        .protocols
        .iter()
        .enumerate()
        .map(|(index, p)| {
            p.manages
                .iter()
                .map(|m| m.index())
                .filter(|&m| m != index)
                .collect()
        })
        .collect();
    for component in strongly_connected(&edges) {
        if component.len() < 2 {
            continue;
        }
        let first = component[0];
        let path = cycle_through(&edges, &component, first);
        let names: Vec<String> = path
            .iter()
            .map(|&i| format!("`{}`", model.protocols[i].info.name))
            .collect();
        let mut diagnostic = Diagnostic::error(
            codes::MANAGER_CYCLE,
            model.protocols[first].info.span,
            format!(
                "protocols manage each other in a cycle: {}",
                crate::diag::arrow_chain(&names)
            ),
        )
        .label("part of a manager cycle")
        .help("only a protocol that manages itself (and has another manager) may recur");
        for &member in path[1..path.len() - 1].iter().take(8) {
            diagnostic =
                diagnostic.secondary(model.protocols[member].info.span, "part of the cycle");
        }
        diags.push(diagnostic);
    }
    for (index, protocol) in model.protocols.iter().enumerate() {
        let this = ProtocolId(index as u32);
        let manages_self = protocol.manages.contains(&this);
        let managed_by_self = protocol.managers.contains(&this);
        let other_manager = protocol.managers.iter().any(|&m| m != this);
        if (manages_self || managed_by_self) && !other_manager {
            diags.push(
                Diagnostic::error(
                    codes::MANAGER_CYCLE,
                    protocol.info.span,
                    format!("protocol `{}` manages itself but has no other manager", protocol.info.name),
                )
                .label("self-managing protocol")
                .help(format!(
                    "a recursive protocol also needs a manager that starts the tree: `manager Root | {};`",
                    protocol.info.name
                )),
            );
        }
    }
}

fn check_reachability(model: &Model, diags: &mut Diagnostics) {
    let mut reached = vec![false; model.protocols.len()];
    let mut work: Vec<usize> = (0..model.protocols.len())
        .filter(|&i| !model.protocols[i].is_managed())
        .collect();
    for &top in &work {
        reached[top] = true;
    }
    while let Some(index) = work.pop() {
        for managed in &model.protocols[index].manages {
            if !reached[managed.index()] {
                reached[managed.index()] = true;
                work.push(managed.index());
            }
        }
    }
    for (index, protocol) in model.protocols.iter().enumerate() {
        if !reached[index] {
            diags.push(
                Diagnostic::error(
                    codes::UNREACHABLE_MANAGED,
                    protocol.info.span,
                    format!(
                        "managed protocol `{}` cannot be reached from any top-level protocol",
                        protocol.info.name
                    ),
                )
                .label("no chain of `manages` leads here from a top-level protocol")
                .help("every actor tree starts at a top-level protocol (one without `manager`)"),
            );
        }
    }
}

fn check_sync(model: &Model, protocol: &Protocol, diags: &mut Diagnostics) {
    for message in &protocol.messages {
        if message.sendness != Sendness::Sync {
            continue;
        }
        if !protocol.sync {
            diags.push(
                Diagnostic::error(
                    codes::SYNC_IN_ASYNC_PROTOCOL,
                    message.syntax.keyword,
                    format!(
                        "`sync` message `{}` in protocol `{}`, which is not a `sync protocol`",
                        message.name, protocol.info.name
                    ),
                )
                .label("sync message")
                .secondary(protocol.info.span, "protocol declared here")
                .help(format!(
                    "declare `sync protocol {}` or make the message `async`",
                    protocol.info.name
                )),
            );
        }
        if message.direction != Direction::Parent {
            let mut diagnostic = Diagnostic::error(
                codes::SYNC_NOT_TO_PARENT,
                message.syntax.keyword,
                format!("`sync` message `{}` must be under `parent:`", message.name),
            )
            .label("only child-to-parent messages may block")
            .help("sync calls flow from child to parent so that blocking cycles cannot happen");
            if let Some(label) = message.syntax.label {
                diagnostic = diagnostic.secondary(label, "direction label");
            }
            diags.push(diagnostic);
        }
    }
    if protocol.sync {
        for (&manager, &span) in protocol.managers.iter().zip(&protocol.manager_spans) {
            if !model[manager].sync {
                diags.push(
                    Diagnostic::error(
                        codes::SYNC_UNDER_ASYNC_MANAGER,
                        span,
                        format!(
                            "`sync protocol {}` is managed by `{}`, which is not a `sync protocol`",
                            protocol.info.name,
                            name(model, manager)
                        ),
                    )
                    .label("manager is not sync")
                    .secondary(model[manager].info.span, "manager declared here")
                    .help("declare every manager `sync protocol`, or drop `sync` here"),
                );
            }
        }
    }
}

fn check_constructors(model: &Model, protocol: &Protocol, diags: &mut Diagnostics) {
    for (&managed, &span) in protocol.manages.iter().zip(&protocol.manages_spans) {
        if !protocol
            .messages
            .iter()
            .any(|m| m.constructs == Some(managed))
        {
            let managed_name = name(model, managed);
            diags.push(
                Diagnostic::error(
                    codes::MISSING_CONSTRUCTOR,
                    span,
                    format!("`{}` manages `{managed_name}` but has no constructor for it", protocol.info.name),
                )
                .label("managed here")
                .help(format!("declare a message named `{managed_name}`, e.g. `async {managed_name}();` under the side that creates it")),
            );
        }
    }
}

fn check_delete(protocol: &Protocol, diags: &mut Diagnostics) {
    let delete = protocol.messages.iter().find(|m| m.is_delete);
    match delete {
        None if protocol.is_managed() => diags.push(
            Diagnostic::error(
                codes::MISSING_DELETE,
                protocol.info.span,
                format!(
                    "managed protocol `{}` has no `delete` message",
                    protocol.info.name
                ),
            )
            .label("managed protocols need a destructor")
            .help("add `both: async delete();` (or under the side that may destroy it)"),
        ),
        None => {}
        Some(message) => {
            let problem = if !protocol.is_managed() {
                Some((
                    message.span,
                    "`delete` is only valid in a managed protocol",
                    "top-level protocols end when their channel closes",
                ))
            } else if message.sendness == Sendness::Sync {
                Some((
                    message.syntax.keyword,
                    "`delete` cannot be `sync`",
                    "write `async delete(…);`",
                ))
            } else {
                message
                    .syntax
                    .results
                    .map(|span| (span, "`delete` cannot have a reply", "remove `-> (…)`"))
            };
            if let Some((span, text, help)) = problem {
                diags.push(
                    Diagnostic::error(codes::BAD_DELETE, span, text)
                        .label("invalid destructor")
                        .help(help),
                );
            }
        }
    }
}

fn check_message_ids(protocol: &Protocol, diags: &mut Diagnostics) {
    let mut seen: std::collections::HashMap<u32, &Message> = std::collections::HashMap::new();
    for message in &protocol.messages {
        match seen.get(&message.id) {
            Some(first) => {
                let span = message.syntax.id_attr.unwrap_or(message.span);
                let first_span = first.syntax.id_attr.unwrap_or(first.span);
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_MESSAGE_ID,
                        span,
                        format!(
                            "messages `{}` and `{}` of protocol `{}` both have id {}",
                            first.name, message.name, protocol.info.name, message.id
                        ),
                    )
                    .label(format!("id {} of `{}`", message.id, message.name))
                    .secondary(first_span, format!("id of `{}`", first.name))
                    .help("give one of them another `[Id = N]`"),
                );
            }
            None => {
                seen.insert(message.id, message);
            }
        }
    }
}
