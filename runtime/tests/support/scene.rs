#![allow(dead_code)] // Each test file uses its own subset.
//! A protocol implemented by hand the way `machproto gen` will emit it:
//!
//! ```text
//! sync protocol Scene {
//!     manages Layer;
//! parent:
//!     async Layer(name: string<64>);            // constructor
//!     async Note(text: string<256>);
//!     async Double(value: u32) -> (value: u32);
//!     sync Sum(a: u32, b: u32) -> (sum: u32);
//!     [Priority = input] async Input(seq: u32);
//!     [Compress] async Resize(width: u32);
//! child:
//!     async Ping(seq: u32);
//! }
//!
//! protocol Layer {
//!     manager Scene | Layer;
//!     manages Layer;
//! parent:
//!     async Layer(name: string<64>);            // constructor of a sublayer
//!     async Paint(seq: u32);
//! both:
//!     async delete();
//! }
//! ```
//!
//! Messages, static side specs, one handler trait per side, the glue that
//! decodes and dispatches, and typed send handles.

use std::time::Duration;

use machproto_macros::MachMessage;
use machproto_runtime::actor::{
    Actor, ActorHandle, ActorOptions, ActorSendError, ActorSide, BadMessage, DestroyReason,
    EventLoop, Handled, Incoming, MessageKind, MessageSpec, Priority, Reply, Responder, SideSpec,
};
use machproto_runtime::channel::SyncCallError;
use machproto_runtime::wire::{self, Message};
use machproto_runtime::{Endpoint, Protocol, ProtocolSide, Side};

// ---- message ids (derived from `test.Scene.Name` by the compiler) ----

pub(crate) const SCENE_LAYER: u32 = 0x5C00_0001;
pub(crate) const NOTE: u32 = 0x5C00_0002;
pub(crate) const DOUBLE: u32 = 0x5C00_0003;
pub(crate) const SUM: u32 = 0x5C00_0004;
pub(crate) const INPUT: u32 = 0x5C00_0005;
pub(crate) const RESIZE: u32 = 0x5C00_0006;
pub(crate) const PING: u32 = 0x5C00_0007;
pub(crate) const LAYER_LAYER: u32 = 0x1A00_0001;
pub(crate) const PAINT: u32 = 0x1A00_0002;
pub(crate) const LAYER_DELETE: u32 = 0x1A00_0003;

// ---- parameters and results ----

#[derive(Debug, MachMessage)]
pub(crate) struct LayerArgs {
    #[mach(bound = 64)]
    pub(crate) name: String,
}

#[derive(Debug, MachMessage)]
pub(crate) struct NoteArgs {
    #[mach(bound = 256)]
    pub(crate) text: String,
}

#[derive(Debug, MachMessage)]
pub(crate) struct SeqArgs {
    pub(crate) seq: u32,
}

#[derive(Debug, MachMessage)]
pub(crate) struct SumArgs {
    pub(crate) a: u32,
    pub(crate) b: u32,
}

#[derive(Debug, MachMessage)]
pub(crate) struct Empty {}

// ---- sides ----

pub(crate) struct Scene;
pub(crate) struct SceneParent;
pub(crate) struct SceneChild;
pub(crate) struct LayerParent;
pub(crate) struct LayerChild;

impl ProtocolSide for SceneParent {
    const PROTOCOL: &'static str = "test.Scene";
    const SIDE: Side = Side::Parent;
}
impl ProtocolSide for SceneChild {
    const PROTOCOL: &'static str = "test.Scene";
    const SIDE: Side = Side::Child;
}
impl Protocol for Scene {
    type Parent = SceneParent;
    type Child = SceneChild;
}
impl ActorSide for SceneParent {
    const SPEC: &'static SideSpec = &SCENE_PARENT;
}
impl ActorSide for SceneChild {
    const SPEC: &'static SideSpec = &SCENE_CHILD;
}

const fn message(id: u32, name: &'static str, kind: MessageKind) -> MessageSpec {
    MessageSpec {
        id,
        name,
        kind,
        priority: Priority::Normal,
        compress: false,
    }
}

pub(crate) static SCENE_PARENT: SideSpec = SideSpec {
    protocol: "test.Scene",
    side: Side::Parent,
    receives: &[
        message(
            SCENE_LAYER,
            "Layer",
            MessageKind::Constructor(&LAYER_PARENT),
        ),
        message(NOTE, "Note", MessageKind::Async),
        message(DOUBLE, "Double", MessageKind::Call),
        message(SUM, "Sum", MessageKind::Sync),
        MessageSpec {
            priority: Priority::Input,
            ..message(INPUT, "Input", MessageKind::Async)
        },
        MessageSpec {
            compress: true,
            ..message(RESIZE, "Resize", MessageKind::Async)
        },
    ],
    sends: &[PING],
    peer_process: None,
    manages: &[],
};

pub(crate) static SCENE_CHILD: SideSpec = SideSpec {
    protocol: "test.Scene",
    side: Side::Child,
    receives: &[message(PING, "Ping", MessageKind::Async)],
    sends: &[SCENE_LAYER, NOTE, DOUBLE, SUM, INPUT, RESIZE],
    peer_process: None,
    manages: &[],
};

pub(crate) static LAYER_PARENT: SideSpec = SideSpec {
    protocol: "test.Layer",
    side: Side::Parent,
    receives: &[
        message(
            LAYER_LAYER,
            "Layer",
            MessageKind::Constructor(&LAYER_PARENT),
        ),
        message(PAINT, "Paint", MessageKind::Async),
        message(LAYER_DELETE, "delete", MessageKind::Delete),
    ],
    sends: &[LAYER_DELETE],
    peer_process: None,
    manages: &[],
};

pub(crate) static LAYER_CHILD: SideSpec = SideSpec {
    protocol: "test.Layer",
    side: Side::Child,
    receives: &[message(LAYER_DELETE, "delete", MessageKind::Delete)],
    sends: &[LAYER_LAYER, PAINT, LAYER_DELETE],
    peer_process: None,
    manages: &[],
};

// ---- handler traits ----

/// What the parent side of `Scene` receives.
pub(crate) trait SceneParentHandler: Send + 'static {
    /// A new layer; return its handler, or `None` to refuse it.
    fn layer(
        &mut self,
        layer: &LayerParentHandle,
        name: String,
    ) -> Option<Box<dyn LayerParentHandler>>;
    fn note(&mut self, text: String);
    fn double(&mut self, value: u32, responder: Responder<u32>);
    fn sum(&mut self, a: u32, b: u32, responder: Responder<u32>);
    fn input(&mut self, seq: u32);
    fn resize(&mut self, width: u32);
    fn actor_destroyed(&mut self, reason: DestroyReason);
}

/// What the child side of `Scene` receives.
pub(crate) trait SceneChildHandler: Send + 'static {
    fn ping(&mut self, seq: u32);
    fn actor_destroyed(&mut self, reason: DestroyReason);
}

/// What the parent side of `Layer` receives.
pub(crate) trait LayerParentHandler: Send + 'static {
    fn layer(
        &mut self,
        layer: &LayerParentHandle,
        name: String,
    ) -> Option<Box<dyn LayerParentHandler>>;
    fn paint(&mut self, seq: u32);
    fn delete(&mut self) {}
    fn actor_destroyed(&mut self, reason: DestroyReason);
}

/// What the child side of `Layer` receives.
pub(crate) trait LayerChildHandler: Send + 'static {
    fn delete(&mut self) {}
    fn actor_destroyed(&mut self, reason: DestroyReason);
}

// ---- glue: decode, then call the handler ----

struct SceneParentGlue<H>(H);
struct SceneChildGlue<H>(H);
struct LayerParentGlue(Box<dyn LayerParentHandler>);
struct LayerChildGlue(Box<dyn LayerChildHandler>);

/// The responder a call must carry (its absence was refused by the
/// runtime's validation, so this is the peer's fault if it fails).
fn responder<T: machproto_runtime::MachMessage>(
    incoming: &mut Incoming,
) -> Result<Responder<T>, BadMessage> {
    incoming.responder().ok_or(BadMessage::WrongKind {
        message: incoming.spec().name,
    })
}

fn construct(
    incoming: &mut Incoming,
    build: impl FnOnce(&LayerParentHandle, String) -> Option<Box<dyn LayerParentHandler>>,
) -> Result<Handled, BadMessage> {
    let LayerArgs { name } = incoming.decode()?;
    let Some(layer) = incoming.new_actor().cloned() else {
        return Err(BadMessage::WrongKind {
            message: incoming.spec().name,
        });
    };
    Ok(match build(&LayerParentHandle(layer), name) {
        Some(handler) => Handled::Constructed(Box::new(LayerParentGlue(handler))),
        None => Handled::Refused,
    })
}

impl<H: SceneParentHandler> Actor for SceneParentGlue<H> {
    fn receive(&mut self, mut incoming: Incoming) -> Result<Handled, BadMessage> {
        match incoming.id() {
            SCENE_LAYER => {
                return construct(&mut incoming, |layer, name| self.0.layer(layer, name));
            }
            NOTE => {
                let NoteArgs { text } = incoming.decode()?;
                self.0.note(text);
            }
            DOUBLE => {
                let SeqArgs { seq } = incoming.decode()?;
                let responder = responder(&mut incoming)?;
                self.0.double(seq, responder);
            }
            SUM => {
                let SumArgs { a, b } = incoming.decode()?;
                let responder = responder(&mut incoming)?;
                self.0.sum(a, b, responder);
            }
            INPUT => {
                let SeqArgs { seq } = incoming.decode()?;
                self.0.input(seq);
            }
            RESIZE => {
                let SeqArgs { seq } = incoming.decode()?;
                self.0.resize(seq);
            }
            other => {
                return Err(BadMessage::UnknownMessage {
                    protocol: "test.Scene",
                    message: other,
                });
            }
        }
        Ok(Handled::Done)
    }

    fn destroyed(&mut self, reason: DestroyReason) {
        self.0.actor_destroyed(reason);
    }
}

impl<H: SceneChildHandler> Actor for SceneChildGlue<H> {
    fn receive(&mut self, mut incoming: Incoming) -> Result<Handled, BadMessage> {
        match incoming.id() {
            PING => {
                let SeqArgs { seq } = incoming.decode()?;
                self.0.ping(seq);
                Ok(Handled::Done)
            }
            other => Err(BadMessage::UnknownMessage {
                protocol: "test.Scene",
                message: other,
            }),
        }
    }

    fn destroyed(&mut self, reason: DestroyReason) {
        self.0.actor_destroyed(reason);
    }
}

impl Actor for LayerParentGlue {
    fn receive(&mut self, mut incoming: Incoming) -> Result<Handled, BadMessage> {
        match incoming.id() {
            LAYER_LAYER => {
                return construct(&mut incoming, |layer, name| self.0.layer(layer, name));
            }
            PAINT => {
                let SeqArgs { seq } = incoming.decode()?;
                self.0.paint(seq);
            }
            LAYER_DELETE => {
                let Empty {} = incoming.decode()?;
                self.0.delete();
            }
            other => {
                return Err(BadMessage::UnknownMessage {
                    protocol: "test.Layer",
                    message: other,
                });
            }
        }
        Ok(Handled::Done)
    }

    fn destroyed(&mut self, reason: DestroyReason) {
        self.0.actor_destroyed(reason);
    }
}

impl Actor for LayerChildGlue {
    fn receive(&mut self, mut incoming: Incoming) -> Result<Handled, BadMessage> {
        match incoming.id() {
            LAYER_DELETE => {
                let Empty {} = incoming.decode()?;
                self.0.delete();
                Ok(Handled::Done)
            }
            other => Err(BadMessage::UnknownMessage {
                protocol: "test.Layer",
                message: other,
            }),
        }
    }

    fn destroyed(&mut self, reason: DestroyReason) {
        self.0.actor_destroyed(reason);
    }
}

// ---- send handles ----

fn encode(value: impl machproto_runtime::MachMessage) -> Result<Message, ActorSendError> {
    // Parameters of these types always encode; an error here would be a
    // bug in this file, reported as a closed send rather than a panic.
    wire::encode(value).map_err(|_| {
        ActorSendError::Closed(Message {
            bytes: Vec::new(),
            rights: Vec::new(),
        })
    })
}

/// The parent side of a `Scene` channel.
#[derive(Clone, Debug)]
pub(crate) struct SceneParentHandle(pub(crate) ActorHandle);

/// The child side of a `Scene` channel.
#[derive(Clone, Debug)]
pub(crate) struct SceneChildHandle(pub(crate) ActorHandle);

/// Our parent side of a `Layer`.
#[derive(Clone, Debug)]
pub(crate) struct LayerParentHandle(pub(crate) ActorHandle);

/// Our child side of a `Layer`.
#[derive(Clone, Debug)]
pub(crate) struct LayerChildHandle(pub(crate) ActorHandle);

/// The runtime actor for a parent-side handler (what `open` wraps).
pub(crate) fn scene_parent_actor(handler: impl SceneParentHandler) -> Box<dyn Actor> {
    Box::new(SceneParentGlue(handler))
}

impl SceneParentHandle {
    pub(crate) fn open(
        endpoint: Endpoint<SceneParent>,
        event_loop: &EventLoop,
        options: &ActorOptions,
        handler: impl SceneParentHandler,
    ) -> std::io::Result<SceneParentHandle> {
        let actor = Box::new(SceneParentGlue(handler));
        Ok(SceneParentHandle(
            endpoint.open(event_loop, options, actor)?,
        ))
    }

    pub(crate) fn ping(&self, seq: u32) -> Result<(), ActorSendError> {
        self.0.send(PING, encode(SeqArgs { seq })?)
    }

    pub(crate) fn close(&self) {
        self.0.close();
    }
}

impl SceneChildHandle {
    pub(crate) fn open(
        endpoint: Endpoint<SceneChild>,
        event_loop: &EventLoop,
        options: &ActorOptions,
        handler: impl SceneChildHandler,
    ) -> std::io::Result<SceneChildHandle> {
        let actor = Box::new(SceneChildGlue(handler));
        Ok(SceneChildHandle(endpoint.open(event_loop, options, actor)?))
    }

    pub(crate) fn layer(
        &self,
        name: &str,
        handler: impl LayerChildHandler,
    ) -> Result<LayerChildHandle, ActorSendError> {
        let body = encode(LayerArgs { name: name.into() })?;
        let actor = Box::new(LayerChildGlue(Box::new(handler)));
        let layer = self.0.construct(SCENE_LAYER, body, &LAYER_CHILD, actor)?;
        Ok(LayerChildHandle(layer))
    }

    pub(crate) fn note(&self, text: &str) -> Result<(), ActorSendError> {
        self.0.send(NOTE, encode(NoteArgs { text: text.into() })?)
    }

    pub(crate) fn double(&self, value: u32) -> Result<Reply<u32>, ActorSendError> {
        self.0.call(DOUBLE, encode(SeqArgs { seq: value })?)
    }

    /// Default timeout of `Sum` (none declared: the runtime's 10 s).
    pub(crate) const SUM_TIMEOUT: Duration = Duration::from_secs(10);

    pub(crate) fn sum(&self, a: u32, b: u32, timeout: Duration) -> Result<u32, SyncCallError> {
        let body = wire::encode(SumArgs { a, b }).map_err(|error| {
            SyncCallError::Failed(format!("parameters did not encode: {error}"))
        })?;
        self.0.call_sync(SUM, body, timeout)
    }

    pub(crate) fn input(&self, seq: u32) -> Result<(), ActorSendError> {
        self.0.send(INPUT, encode(SeqArgs { seq })?)
    }

    pub(crate) fn resize(&self, width: u32) -> Result<(), ActorSendError> {
        self.0.send(RESIZE, encode(SeqArgs { seq: width })?)
    }

    pub(crate) fn close(&self) {
        self.0.close();
    }
}

impl LayerChildHandle {
    pub(crate) fn layer(
        &self,
        name: &str,
        handler: impl LayerChildHandler,
    ) -> Result<LayerChildHandle, ActorSendError> {
        let body = encode(LayerArgs { name: name.into() })?;
        let actor = Box::new(LayerChildGlue(Box::new(handler)));
        let layer = self.0.construct(LAYER_LAYER, body, &LAYER_CHILD, actor)?;
        Ok(LayerChildHandle(layer))
    }

    pub(crate) fn paint(&self, seq: u32) -> Result<(), ActorSendError> {
        self.0.send(PAINT, encode(SeqArgs { seq })?)
    }

    pub(crate) fn delete(&self) -> Result<(), ActorSendError> {
        self.0.delete(LAYER_DELETE, encode(Empty {})?)
    }
}

impl LayerParentHandle {
    pub(crate) fn delete(&self) -> Result<(), ActorSendError> {
        self.0.delete(LAYER_DELETE, encode(Empty {})?)
    }
}
