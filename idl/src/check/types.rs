//! Resource propagation (L11, L17) and recursive types (L13).

use super::graph::{cycle_through, strongly_connected};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::*;
use crate::span::Span;

/// Calls `visit` for every declared type `ty` mentions, with whether the
/// mention is direct (not behind `vec`, a `map` or `?`).
fn named_in(ty: &Type, direct: bool, visit: &mut dyn FnMut(TypeId, bool)) {
    match ty {
        Type::Named { id } => visit(*id, direct),
        Type::Vec { element, .. } => named_in(element, false, visit),
        Type::Map { key, value } => {
            named_in(key, false, visit);
            named_in(value, false, visit);
        }
        Type::Optional { inner, .. } => named_in(inner, false, visit),
        Type::Array { element, .. } => named_in(element, direct, visit),
        _ => {}
    }
}

/// Whether `ty` holds a right or endpoint itself (declared types aside).
fn holds_right(ty: &Type) -> bool {
    match ty {
        Type::Right { .. } | Type::Endpoint { .. } | Type::ManagedEndpoint { .. } => true,
        Type::Vec { element, .. } | Type::Array { element, .. } => holds_right(element),
        Type::Map { key, value } => holds_right(key) || holds_right(value),
        Type::Optional { inner, .. } => holds_right(inner),
        _ => false,
    }
}

/// The fields (or variant payloads) of a declaration.
fn members(decl: &TypeDecl) -> Vec<(&Type, Span)> {
    match &decl.kind {
        TypeDeclKind::Struct { fields, .. } => fields.iter().map(|f| (&f.ty, f.span)).collect(),
        TypeDeclKind::Union { variants, .. } => variants
            .iter()
            .filter_map(|v| v.ty.as_ref().map(|t| (t, v.span)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Computes `is_resource` for every type (a worklist over reverse edges) and
/// checks that structs and unions say `resource` exactly when they are.
pub(super) fn check_resources(model: &mut Model, diags: &mut Diagnostics) {
    let count = model.types.len();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut resource = vec![false; count];
    for (index, decl) in model.types.iter().enumerate() {
        resource[index] = match decl.kind {
            TypeDeclKind::External { mode, .. } => mode == ExternalMode::Resource,
            _ => members(decl).iter().any(|(ty, _)| holds_right(ty)),
        };
        for (ty, _) in members(decl) {
            named_in(ty, true, &mut |used, _| users[used.index()].push(index));
        }
    }
    let mut work: Vec<usize> = (0..count).filter(|&i| resource[i]).collect();
    while let Some(done) = work.pop() {
        for &user in &users[done] {
            if !resource[user] {
                resource[user] = true;
                work.push(user);
            }
        }
    }
    for (index, decl) in model.types.iter_mut().enumerate() {
        decl.is_resource = resource[index];
    }
    for decl in &model.types {
        let declared = match decl.kind {
            TypeDeclKind::Struct { resource, .. } | TypeDeclKind::Union { resource, .. } => {
                resource
            }
            _ => continue,
        };
        let what = if matches!(decl.kind, TypeDeclKind::Struct { .. }) {
            "struct"
        } else {
            "union"
        };
        if decl.is_resource && !declared {
            let holder = members(decl).into_iter().find(|(ty, _)| {
                let mut named_resource = false;
                named_in(ty, true, &mut |id, _| {
                    named_resource |= resource[id.index()]
                });
                holds_right(ty) || named_resource
            });
            let mut diagnostic = Diagnostic::error(
                codes::RESOURCE_NOT_DECLARED,
                decl.info.span,
                format!(
                    "{what} `{}` holds a resource but is not declared `resource`",
                    decl.info.name
                ),
            )
            .label("needs `resource`")
            .help(format!("write `resource {what} {}`", decl.info.name));
            if let Some((_, span)) = holder {
                diagnostic = diagnostic
                    .secondary(span, "this holds a right, an endpoint or a resource type");
            }
            diags.push(diagnostic);
        } else if declared && !decl.is_resource {
            diags.push(
                Diagnostic::warning(
                    codes::RESOURCE_WITHOUT_RESOURCE,
                    decl.info.span,
                    format!(
                        "{what} `{}` is declared `resource` but holds no resource",
                        decl.info.name
                    ),
                )
                .label("no right, endpoint or resource type inside")
                .help("remove `resource` so the type can be copied and compared"),
            );
        }
    }
}

/// L13: cycles of direct containment are errors; an `?` inside a cycle
/// through optionals is boxed.
pub(super) fn check_recursion(model: &mut Model, diags: &mut Diagnostics) {
    let count = model.types.len();
    let mut direct: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut sized: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, decl) in model.types.iter().enumerate() {
        for (ty, _) in members(decl) {
            named_in(ty, true, &mut |used, is_direct| {
                if is_direct {
                    direct[index].push(used.index());
                }
            });
            optional_or_direct(ty, &mut |used| sized[index].push(used.index()));
        }
    }
    for component in strongly_connected(&direct) {
        let first = component[0];
        let is_cycle = component.len() > 1 || direct[first].contains(&first);
        if !is_cycle {
            continue;
        }
        let path = cycle_through(&direct, &component, first);
        let names: Vec<String> = path
            .iter()
            .map(|&i| format!("`{}`", model.types[i].info.name))
            .collect();
        let mut diagnostic = Diagnostic::error(
            codes::INFINITE_TYPE,
            model.types[first].info.span,
            format!("type contains itself: {}", crate::diag::arrow_chain(&names)),
        )
        .label("infinitely large type")
        .help("break the cycle with `vec<…>`, a `map` value or an optional `?`");
        for &member in path[1..path.len() - 1].iter().take(8) {
            diagnostic = diagnostic.secondary(model.types[member].info.span, "part of the cycle");
        }
        diags.push(diagnostic);
    }
    let mut component_of = vec![usize::MAX; count];
    for (number, component) in strongly_connected(&sized).into_iter().enumerate() {
        for member in component {
            component_of[member] = number;
        }
    }
    for index in 0..count {
        let own = component_of[index];
        let boxes = |id: TypeId| component_of[id.index()] == own;
        let decl = &mut model.types[index];
        match &mut decl.kind {
            TypeDeclKind::Struct { fields, .. } => {
                fields
                    .iter_mut()
                    .for_each(|f| mark_boxed(&mut f.ty, &boxes));
            }
            TypeDeclKind::Union { variants, .. } => {
                for variant in variants.iter_mut() {
                    if let Some(ty) = &mut variant.ty {
                        mark_boxed(ty, &boxes);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Declared types reachable without a `vec` or `map` (through `?` and arrays).
fn optional_or_direct(ty: &Type, visit: &mut dyn FnMut(TypeId)) {
    match ty {
        Type::Named { id } => visit(*id),
        Type::Optional { inner, .. } | Type::Array { element: inner, .. } => {
            optional_or_direct(inner, visit)
        }
        _ => {}
    }
}

fn mark_boxed(ty: &mut Type, in_cycle: &dyn Fn(TypeId) -> bool) {
    match ty {
        Type::Optional { inner, boxed } => {
            let mut closes = false;
            optional_or_direct(inner, &mut |id| closes |= in_cycle(id));
            *boxed = closes;
            mark_boxed(inner, in_cycle);
        }
        Type::Array { element, .. } => mark_boxed(element, in_cycle),
        _ => {}
    }
}
