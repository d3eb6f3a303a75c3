//! Protocols: side types and their static specs, message ids, parameter
//! and result structs, one handler trait and one send handle per side, and
//! the glue that decodes each message and calls the handler.

use heck::{ToShoutySnakeCase, ToSnakeCase};
use machproto_idl::model::{Priority, Side};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Items, case_allow, docs, ident, rust_type, types};
use crate::lower::{MessageKindPlan, MessagePlan, ProtocolPlan};

const SIDES: [Side; 2] = [Side::Parent, Side::Child];

fn other(side: Side) -> Side {
    match side {
        Side::Parent => Side::Child,
        Side::Child => Side::Parent,
    }
}

/// `name` with `suffix`, beside it: `super::pkg::Q` + `ChildHandle`.
fn sibling(path: &str, suffix: &str) -> syn::Path {
    let text = format!("{path}{suffix}");
    syn::parse_str(&text).unwrap_or_else(|_| syn::parse_quote!(missing))
}

/// The spec static of `path`'s `side`: `super::pkg::Q` → `super::pkg::Q_CHILD_SPEC`.
fn spec_path(path: &str, side: Side) -> syn::Path {
    let (prefix, name) = match path.rsplit_once("::") {
        Some((prefix, name)) => (format!("{prefix}::"), name),
        None => (String::new(), path),
    };
    let text = format!(
        "{prefix}{}_{}_SPEC",
        name.to_shouty_snake_case(),
        side.suffix().to_uppercase()
    );
    syn::parse_str(&text).unwrap_or_else(|_| syn::parse_quote!(missing))
}

fn priority(priority: Priority) -> TokenStream {
    let variant = match priority {
        Priority::Low => quote!(Low),
        Priority::Normal => quote!(Normal),
        Priority::Input => quote!(Input),
        Priority::Vsync => quote!(Vsync),
        Priority::Control => quote!(Control),
    };
    quote!(mp::actor::Priority::#variant)
}

fn side_tokens(side: Side) -> TokenStream {
    match side {
        Side::Parent => quote!(mp::Side::Parent),
        Side::Child => quote!(mp::Side::Child),
    }
}

/// Pushes the items of one protocol.
pub(crate) fn emit_protocol(plan: &ProtocolPlan, items: &mut Items) {
    let doc = docs(&plan.docs);
    let allow = case_allow(&plan.name);
    let name = ident(&plan.name);
    let ids = plan.messages.iter().map(|message| {
        let id_const = ident(&message.id_const);
        let value = message.id;
        let doc = format!(" The identifier of `{}`.", message.name);
        let timeout = message.timeout_ms.map(|ms| {
            let timeout = ident(&format!("{}_TIMEOUT", message.name.to_shouty_snake_case()));
            let doc = format!(" The declared default timeout of `{}`.", message.name);
            quote! {
                #[doc = #doc]
                pub const #timeout: ::std::time::Duration = ::std::time::Duration::from_millis(#ms);
            }
        });
        quote! {
            #[doc = #doc]
            pub const #id_const: u32 = #value;
            #timeout
        }
    });
    let parent = format_ident!("{}Parent", plan.name);
    let child = format_ident!("{}Child", plan.name);
    items.push(quote! {
        #doc
        #[derive(Debug)]
        #allow
        pub struct #name;
    });
    items.push(quote! {
        impl #name {
            #(#ids)*
        }
    });
    items.push(quote! {
        impl mp::Protocol for #name {
            type Parent = #parent;
            type Child = #child;
        }
    });
    for plan in &plan.structs {
        types::emit_type(plan, items);
    }
    for side in SIDES {
        emit_side(plan, side, items);
    }
}

fn emit_side(plan: &ProtocolPlan, side: Side, items: &mut Items) {
    let protocol = ident(&plan.name);
    let full_name = &plan.full_name;
    let side_name = format!("{}{}", plan.name, side.suffix());
    let side_type = ident(&side_name);
    let handler = format_ident!("{}Handler", side_name);
    let handle = format_ident!("{}Handle", side_name);
    let glue = format_ident!("{}Glue", side_name);
    let spec = spec_path(&plan.name, side);
    let allow = case_allow(&plan.name);
    let side_doc = format!(
        " The {} side of `{}`.",
        side.suffix().to_lowercase(),
        plan.name
    );
    let side_value = side_tokens(side);
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
    let peer_process = match &plan.peer_process[usize::from(side == Side::Child)] {
        Some(kind) => quote!(::std::option::Option::Some(#kind)),
        None => quote!(::std::option::Option::None),
    };
    let specs = receives.iter().map(|message| {
        let id_const = ident(&message.id_const);
        let name = &message.name;
        let kind = match &message.kind {
            MessageKindPlan::Async => quote!(mp::actor::MessageKind::Async),
            MessageKindPlan::Call => quote!(mp::actor::MessageKind::Call),
            MessageKindPlan::Sync => quote!(mp::actor::MessageKind::Sync),
            MessageKindPlan::Delete => quote!(mp::actor::MessageKind::Delete),
            MessageKindPlan::Constructor(target) => {
                let target_spec = spec_path(target, side);
                quote!(mp::actor::MessageKind::Constructor(&#target_spec))
            }
        };
        let priority = priority(message.priority);
        let compress = message.compress;
        quote! {
            mp::actor::MessageSpec {
                id: #protocol::#id_const,
                name: #name,
                kind: #kind,
                priority: #priority,
                compress: #compress,
            },
        }
    });
    let sent_ids = sends.iter().map(|message| {
        let id_const = ident(&message.id_const);
        quote!(#protocol::#id_const,)
    });
    let handler_methods = receives
        .iter()
        .map(|message| handler_method(plan, message, side));
    let dispatch = dispatch(plan, &receives, side);
    let send_methods = sends.iter().map(|message| send_method(plan, message, side));
    let managed_specs = plan.manages.iter().map(|managed| spec_path(managed, side));
    let open_endpoints = plan
        .manages
        .iter()
        .map(|managed| open_managed_endpoint(managed, side));
    let bind = plan.managed.then(|| {
        quote! {
            impl #side_type {
                /// Binds `endpoint`, which the peer opened under the peer
                /// of `manager`, with `handler` as this side of the new
                /// actor. What the peer sent it meanwhile comes first.
                pub fn bind(
                    endpoint: mp::ManagedEndpoint<#side_type>,
                    manager: &impl ::std::convert::AsRef<mp::actor::ActorHandle>,
                    handler: impl #handler,
                ) -> ::std::result::Result<#handle, mp::actor::ManagedBindError<#side_type>> {
                    let actor = ::std::boxed::Box::new(#glue(::std::boxed::Box::new(handler)));
                    Ok(#handle(endpoint.bind(manager.as_ref(), actor)?))
                }
            }
        }
    });
    // On the side type, not the handle, whose methods are the messages.
    let open = (!plan.managed).then(|| {
        quote! {
            impl #side_type {
                /// Binds `endpoint` with `handler` as the channel's
                /// top-level actor, delivered on `event_loop`. Close the
                /// channel with `handle.as_ref().close()`.
                pub fn open(
                    endpoint: mp::Endpoint<#side_type>,
                    event_loop: &mp::actor::EventLoop,
                    options: &mp::actor::ActorOptions,
                    handler: impl #handler,
                ) -> ::std::io::Result<#handle> {
                    let actor = ::std::boxed::Box::new(#glue(::std::boxed::Box::new(handler)));
                    Ok(#handle(endpoint.open(event_loop, options, actor)?))
                }
            }
        }
    });
    let handler_doc = format!(
        " What the {} side of `{}` receives.",
        side.suffix().to_lowercase(),
        plan.name
    );
    let handle_doc = format!(
        " Sends from the {} side of `{}`.",
        side.suffix().to_lowercase(),
        plan.name
    );
    items.push(quote! {
        #[doc = #side_doc]
        #[derive(Debug)]
        #allow
        pub struct #side_type;
    });
    items.push(quote! {
        impl mp::ProtocolSide for #side_type {
            const PROTOCOL: &'static str = #full_name;
            const SIDE: mp::Side = #side_value;
        }
    });
    items.push(quote! {
        impl mp::actor::ActorSide for #side_type {
            const SPEC: &'static mp::actor::SideSpec = &#spec;
        }
    });
    items.push(quote! {
        pub(crate) static #spec: mp::actor::SideSpec =
            mp::actor::SideSpec {
                protocol: #full_name,
                side: #side_value,
                receives: &[#(#specs)*],
                sends: &[#(#sent_ids)*],
                peer_process: #peer_process,
                manages: &[#(&#managed_specs),*],
            };
    });
    items.push(quote! {
        #[doc = #handler_doc]
        #allow
        pub trait #handler: ::std::marker::Send + 'static {
            #(#handler_methods)*

            /// The actor is gone; called once, after its managees'.
            fn actor_destroyed(&mut self, reason: mp::actor::DestroyReason) {
                let _ = reason;
            }
        }
    });
    items.push(quote! {
        /// Decodes each message and calls the handler.
        #allow
        pub(crate) struct #glue(pub(crate) ::std::boxed::Box<dyn #handler>);
    });
    items.push(quote! {
        impl mp::actor::Actor for #glue {
            #dispatch

            fn destroyed(&mut self, reason: mp::actor::DestroyReason) {
                self.0.actor_destroyed(reason);
            }
        }
    });
    items.extend(open);
    items.extend(bind);
    items.push(quote! {
        #[doc = #handle_doc]
        #[doc = ""]
        #[doc = " Its methods are the messages this side sends; the runtime's"]
        #[doc = " handle (`is_alive`, `close`) is `as_ref()`."]
        #[derive(Clone, Debug)]
        #allow
        pub struct #handle(mp::actor::ActorHandle);
    });
    items.push(quote! {
        impl ::std::convert::AsRef<mp::actor::ActorHandle> for #handle {
            fn as_ref(&self) -> &mp::actor::ActorHandle {
                &self.0
            }
        }
    });
    items.push(quote! {
        impl #handle {
            #(#send_methods)*
            #(#open_endpoints)*
        }
    });
}

/// `open_<managed>_endpoint`: our side of a new actor of the managed
/// protocol at `path`, and the endpoint of the peer's side.
fn open_managed_endpoint(path: &str, side: Side) -> TokenStream {
    let name = path.rsplit("::").next().unwrap_or(path);
    let method = format_ident!("open_{}_endpoint", name.to_snake_case());
    let ours = side.suffix();
    let theirs = other(side).suffix();
    let handler = sibling(path, &format!("{ours}Handler"));
    let handle = sibling(path, &format!("{ours}Handle"));
    let glue = sibling(path, &format!("{ours}Glue"));
    let their_side = sibling(path, theirs);
    let spec = spec_path(path, side);
    let first = format!(" Opens a `{name}` under this actor: `handler` is our side of it,");
    let second = format!(" the endpoint is the peer's (`{name}{theirs}::bind` binds it). Dropped");
    quote! {
        #[doc = #first]
        #[doc = #second]
        #[doc = " unbound, it ends ours with `ManagedEndpointDropped`."]
        pub fn #method(
            &self,
            handler: impl #handler,
        ) -> ::std::result::Result<(#handle, mp::ManagedEndpoint<#their_side>), mp::actor::ActorSendError> {
            let actor = ::std::boxed::Box::new(#glue(::std::boxed::Box::new(handler)));
            let (handle, endpoint) = self.0.open_managed_endpoint(&#spec, actor)?;
            Ok((#handle(handle), endpoint))
        }
    }
}

/// `#[allow(clippy::too_many_arguments)]` on a method with more than
/// clippy's seven arguments: it mirrors a message the protocol declares.
fn many_arguments(count: usize) -> TokenStream {
    if count > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        TokenStream::new()
    }
}

/// The parameters as `name: Type` pairs, and their names.
fn params(message: &MessagePlan) -> (Vec<TokenStream>, Vec<syn::Ident>) {
    message
        .params
        .iter()
        .map(|field| {
            let name = ident(&field.name);
            let ty = rust_type(&field.ty);
            (quote!(#name: #ty), name)
        })
        .unzip()
}

fn handler_method(plan: &ProtocolPlan, message: &MessagePlan, side: Side) -> TokenStream {
    let extra = usize::from(!matches!(
        message.kind,
        MessageKindPlan::Async | MessageKindPlan::Delete
    ));
    let allow = many_arguments(2 + message.params.len() + extra);
    let doc = quote!(#allow);
    let doc_lines = docs(&message.docs);
    let doc = quote!(#doc_lines #doc);
    let method = ident(&message.method);
    let handle = format_ident!("{}{}Handle", plan.name, side.suffix());
    let (declared, _) = params(message);
    match &message.kind {
        MessageKindPlan::Async => quote! {
            #doc
            fn #method(&mut self, actor: &#handle, #(#declared),*);
        },
        MessageKindPlan::Call | MessageKindPlan::Sync => {
            let reply = rust_type(message.reply.as_deref().unwrap_or("()"));
            quote! {
                #doc
                fn #method(
                    &mut self,
                    actor: &#handle,
                    #(#declared,)*
                    responder: mp::actor::Responder<#reply>,
                );
            }
        }
        MessageKindPlan::Constructor(target) => {
            let new_handle = sibling(target, &format!("{}Handle", side.suffix()));
            let new_handler = sibling(target, &format!("{}Handler", side.suffix()));
            quote! {
                #doc
                /// Returns the new actor's handler, or `None` to refuse it.
                fn #method(
                    &mut self,
                    actor: &#handle,
                    new_actor: &#new_handle,
                    #(#declared),*
                ) -> ::std::option::Option<::std::boxed::Box<dyn #new_handler>>;
            }
        }
        MessageKindPlan::Delete => {
            let (_, names) = params(message);
            quote! {
                #doc
                /// The peer deleted this actor (its end follows).
                fn #method(&mut self, actor: &#handle, #(#declared),*) {
                    let _ = (actor, #(#names),*);
                }
            }
        }
    }
}

fn dispatch(plan: &ProtocolPlan, receives: &[&MessagePlan], side: Side) -> TokenStream {
    let full_name = &plan.full_name;
    let incoming = quote!(mp::actor::Incoming);
    let result = quote!(::std::result::Result<mp::actor::Handled, mp::actor::BadMessage>);
    if receives.is_empty() {
        return quote! {
            fn receive(&mut self, incoming: #incoming) -> #result {
                Err(mp::actor::BadMessage::UnknownMessage {
                    protocol: #full_name,
                    message: incoming.id(),
                })
            }
        };
    }
    let protocol = ident(&plan.name);
    let handle = format_ident!("{}{}Handle", plan.name, side.suffix());
    let arms = receives.iter().map(|message| {
        let id_const = ident(&message.id_const);
        let method = ident(&message.method);
        let params_struct = ident(&message.params_struct);
        let (_, names) = params(message);
        let decode = quote!(let #params_struct { #(#names),* } = incoming.decode()?;);
        let wrong_kind = quote! {
            mp::actor::BadMessage::WrongKind { message: incoming.spec().name }
        };
        let body = match &message.kind {
            MessageKindPlan::Async | MessageKindPlan::Delete => quote! {
                #decode
                self.0.#method(&actor, #(#names),*);
                Ok(mp::actor::Handled::Done)
            },
            MessageKindPlan::Call | MessageKindPlan::Sync => quote! {
                #decode
                let responder = incoming.responder().ok_or(#wrong_kind)?;
                self.0.#method(&actor, #(#names,)* responder);
                Ok(mp::actor::Handled::Done)
            },
            MessageKindPlan::Constructor(target) => {
                let new_handle = sibling(target, &format!("{}Handle", side.suffix()));
                let new_glue = sibling(target, &format!("{}Glue", side.suffix()));
                quote! {
                    #decode
                    let new_actor = #new_handle(incoming.new_actor().cloned().ok_or(#wrong_kind)?);
                    Ok(match self.0.#method(&actor, &new_actor, #(#names),*) {
                        ::std::option::Option::Some(handler) => {
                            mp::actor::Handled::Constructed(
                                ::std::boxed::Box::new(#new_glue(handler)),
                            )
                        }
                        ::std::option::Option::None => mp::actor::Handled::Refused,
                    })
                }
            }
        };
        quote! {
            #protocol::#id_const => {
                #body
            }
        }
    });
    quote! {
        fn receive(&mut self, mut incoming: #incoming) -> #result {
            let actor = #handle(incoming.actor().clone());
            match incoming.id() {
                #(#arms)*
                other => Err(mp::actor::BadMessage::UnknownMessage {
                    protocol: #full_name,
                    message: other,
                }),
            }
        }
    }
}

fn send_method(plan: &ProtocolPlan, message: &MessagePlan, side: Side) -> TokenStream {
    let extra = usize::from(matches!(
        message.kind,
        MessageKindPlan::Sync | MessageKindPlan::Constructor(_)
    ));
    let allow = many_arguments(1 + message.params.len() + extra);
    let doc_lines = docs(&message.docs);
    let doc = quote!(#doc_lines #allow);
    let method = ident(&message.method);
    let protocol = ident(&plan.name);
    let id_const = ident(&message.id_const);
    let params_struct = ident(&message.params_struct);
    let (declared, names) = params(message);
    let send_error = quote!(mp::actor::ActorSendError);
    // Both send errors convert from `EncodeError` (as `Invalid`).
    let encode = quote! {
        let body = mp::wire::encode(#params_struct { #(#names),* })?;
    };
    match &message.kind {
        MessageKindPlan::Async => {
            quote! {
                #doc
                pub fn #method(&self, #(#declared),*) -> ::std::result::Result<(), #send_error> {
                    #encode
                    self.0.send(#protocol::#id_const, body)
                }
            }
        }
        MessageKindPlan::Call => {
            let reply = rust_type(message.reply.as_deref().unwrap_or("()"));
            quote! {
                #doc
                pub fn #method(
                    &self,
                    #(#declared),*
                ) -> ::std::result::Result<mp::actor::Reply<#reply>, #send_error> {
                    #encode
                    self.0.call(#protocol::#id_const, body)
                }
            }
        }
        MessageKindPlan::Sync => {
            let reply = rust_type(message.reply.as_deref().unwrap_or("()"));
            quote! {
                #doc
                /// Blocks this thread until the answer or `timeout`.
                pub fn #method(
                    &self,
                    #(#declared,)*
                    timeout: ::std::time::Duration,
                ) -> ::std::result::Result<#reply, mp::channel::SyncCallError> {
                    #encode
                    self.0.call_sync(#protocol::#id_const, body, timeout)
                }
            }
        }
        MessageKindPlan::Constructor(target) => {
            let new_handle = sibling(target, &format!("{}Handle", side.suffix()));
            let new_handler = sibling(target, &format!("{}Handler", side.suffix()));
            let new_glue = sibling(target, &format!("{}Glue", side.suffix()));
            let spec = spec_path(target, side);
            quote! {
                #doc
                /// Constructs the new actor: `handler` is this side of it.
                pub fn #method(
                    &self,
                    #(#declared,)*
                    handler: impl #new_handler,
                ) -> ::std::result::Result<#new_handle, #send_error> {
                    #encode
                    let actor = ::std::boxed::Box::new(#new_glue(::std::boxed::Box::new(handler)));
                    Ok(#new_handle(self.0.construct(#protocol::#id_const, body, &#spec, actor)?))
                }
            }
        }
        MessageKindPlan::Delete => {
            quote! {
                #doc
                /// Deletes this actor and its managees, on both sides.
                pub fn #method(&self, #(#declared),*) -> ::std::result::Result<(), #send_error> {
                    #encode
                    self.0.delete(#protocol::#id_const, body)
                }
            }
        }
    }
}
