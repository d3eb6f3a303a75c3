//! Valid test inputs, `attributes_all` to `literals`.

/// `tests/inputs/ok/attributes_all.mproto`.
mod attributes_all {
    use crate::*;
    use machproto_tests::generated::attributes_all::corpus_attributes::*;

    impl CanvasParentHandler for End {
        fn log(&mut self, _actor: &CanvasParentHandle, _line: String) {}

        fn draw(&mut self, _actor: &CanvasParentHandle, _settings: Settings) {}

        fn pointer(&mut self, _actor: &CanvasParentHandle, _x: i32, _y: i32) {}

        fn frame(&mut self, _actor: &CanvasParentHandle, _id: u64) {}

        fn shutdown(&mut self, _actor: &CanvasParentHandle) {}

        fn query(
            &mut self,
            _actor: &CanvasParentHandle,
            _id: u64,
            _responder: Responder<CanvasQueryResults>,
        ) {
        }

        fn resize(&mut self, _actor: &CanvasParentHandle, _width: u32, _height: u32) {}

        fn upload(&mut self, _actor: &CanvasParentHandle, _data: Vec<u8>, _old: OldSettings) {}

        fn bulk(&mut self, _actor: &CanvasParentHandle, _data: Vec<u8>) {}

        fn flush(&mut self, _actor: &CanvasParentHandle, _responder: Responder<()>) {}

        fn ping(&mut self, _actor: &CanvasParentHandle, _responder: Responder<()>) {}

        fn measure(
            &mut self,
            _actor: &CanvasParentHandle,
            _text: String,
            _responder: Responder<Result<CanvasMeasureResults, Failure>>,
        ) {
        }

        fn explicit(&mut self, _actor: &CanvasParentHandle) {}

        fn also_explicit(&mut self, _actor: &CanvasParentHandle) {}

        fn old_draw(
            &mut self,
            _actor: &CanvasParentHandle,
            _shape: OldShape,
            _mode: OldMode,
            _value: OldValue,
            _canvas: OldCanvas,
        ) {
        }

        fn everything(
            &mut self,
            _actor: &CanvasParentHandle,
            _data: Vec<u8>,
            _responder: Responder<CanvasEverythingResults>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl CanvasChildHandler for End {
        fn repaint(&mut self, _actor: &CanvasChildHandle, _region: [u32; 4]) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("attributes_all");
        bind_and_close!(run, Canvas: CanvasParent as "gpu", CanvasChild as "renderer");
        run.finish();
    }
}

/// `tests/inputs/ok/case_mapping.mproto`.
mod case_mapping {
    use crate::*;
    use machproto_tests::generated::case_mapping::corpus_casing::*;

    impl CasingParentHandler for End {
        fn get_value(
            &mut self,
            _actor: &CasingParentHandle,
            _key_name: String,
            _responder: Responder<CasingGetValueResults>,
        ) {
        }

        fn set_value(&mut self, _actor: &CasingParentHandle, _key_name: String, _value: u32) {}

        fn list_all(&mut self, _actor: &CasingParentHandle) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl CasingChildHandler for End {
        fn changed(
            &mut self,
            _actor: &CasingChildHandle,
            _camel_fields: CamelFields,
            _variants: MixedVariants,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("case_mapping");
        bind_and_close!(run, Casing: CasingParent as "parent", CasingChild as "child");
        run.finish();
    }
}

/// `tests/inputs/ok/declaration_order.mproto`.
mod declaration_order {
    use crate::*;
    use machproto_tests::generated::declaration_order::corpus_order::*;

    impl SessionParentHandler for Managee {
        fn submit(&mut self, _actor: &SessionParentHandle, _job: Job, _handoff: Handoff) {}
    }

    impl SessionChildHandler for Managee {}

    impl ServerParentHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl ServerChildHandler for End {
        fn session(
            &mut self,
            _actor: &ServerChildHandle,
            _new_actor: &SessionChildHandle,
            _id: u64,
        ) -> Option<Box<dyn SessionChildHandler>> {
            Some(Box::new(Managee))
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("declaration_order");
        bind_and_close!(run, Server: ServerParent as "parent", ServerChild as "child");
        implements!(run, SessionParent: SessionParentHandler, SessionChild: SessionChildHandler);
        run.finish();
    }
}

/// `tests/inputs/ok/doc_comments.mproto`.
mod doc_comments {
    use crate::*;
    use machproto_tests::generated::doc_comments::corpus_docs::*;

    impl DocumentedParentHandler for End {
        fn r#move(
            &mut self,
            _actor: &DocumentedParentHandle,
            _to: Point,
            _side: Side,
            _responder: Responder<DocumentedMoveResults>,
        ) {
        }

        fn touch(&mut self, _actor: &DocumentedParentHandle, _point: Point) {}

        fn paint(
            &mut self,
            _actor: &DocumentedParentHandle,
            _content: Content,
            _settings: Settings,
            _surface: Surface,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl DocumentedChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("doc_comments");
        bind_and_close!(run, Documented: DocumentedParent as "gpu", DocumentedChild as "child");
        run.finish();
    }
}

/// `tests/inputs/ok/enums_unions.mproto`.
mod enums_unions {
    use crate::*;
    use machproto_tests::generated::enums_unions::corpus_enums::*;

    impl StatusParentHandler for End {
        fn report(
            &mut self,
            _actor: &StatusParentHandle,
            _a: Implicit,
            _b: Explicit,
            _c: Capability,
            _d: Single,
            _e: State,
            _f: Message,
            _g: MaybeFile,
        ) {
        }

        fn query(
            &mut self,
            _actor: &StatusParentHandle,
            _responder: Responder<Result<StatusQueryResults, ErrorDetail>>,
        ) {
        }

        fn probe(
            &mut self,
            _actor: &StatusParentHandle,
            _responder: Responder<Result<StatusProbeResults, Capability>>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl StatusChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("enums_unions");
        bind_and_close!(run, Status: StatusParent as "parent", StatusChild as "child");
        run.finish();
    }
}

/// `tests/inputs/ok/frame_tree.mproto`.
mod frame_tree {
    use crate::*;
    use machproto_tests::generated::frame_tree::corpus_frames::*;

    impl WindowParentHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl WindowChildHandler for End {
        fn frame(
            &mut self,
            _actor: &WindowChildHandle,
            _new_actor: &FrameChildHandle,
            _url: String,
        ) -> Option<Box<dyn FrameChildHandler>> {
            Some(Box::new(Managee))
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl FrameParentHandler for Managee {}

    impl FrameChildHandler for Managee {
        fn frame(
            &mut self,
            _actor: &FrameChildHandle,
            _new_actor: &FrameChildHandle,
            _url: String,
        ) -> Option<Box<dyn FrameChildHandler>> {
            Some(Box::new(Managee))
        }

        fn navigate(
            &mut self,
            _actor: &FrameChildHandle,
            _url: String,
            _responder: Responder<FrameNavigateResults>,
        ) {
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("frame_tree");
        bind_and_close!(run, Window: WindowParent as "parent", WindowChild as "child");
        implements!(run, FrameParent: FrameParentHandler, FrameChild: FrameChildHandler);
        run.finish();
    }
}

/// `tests/inputs/ok/identifiers.mproto`.
mod identifiers {
    use crate::*;
    use machproto_tests::generated::identifiers::corpus_identifiers::*;

    impl SandboxParentHandler for End {
        fn r#type(
            &mut self,
            _actor: &SandboxParentHandle,
            _type: u32,
            _fn: bool,
            _responder: Responder<SandboxTypeResults>,
        ) {
        }

        fn delete_all(&mut self, _actor: &SandboxParentHandle, _delete: bool) {}

        fn input(
            &mut self,
            _actor: &SandboxParentHandle,
            _words: Words,
            _mode: Mode,
            _keywords: Keywords,
            _misc: Misc,
        ) {
        }

        fn children(&mut self, _actor: &SandboxParentHandle, _children: Vec<u32>) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl SandboxChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("identifiers");
        bind_and_close!(run, Sandbox: SandboxParent as "parent", SandboxChild as "child");
        run.finish();
    }
}

/// `tests/inputs/ok/imports.mproto`.
mod imports {
    use crate::*;
    use machproto_tests::generated::imports::{corpus_common, corpus_imports::*};

    mod corpus_common_checks {
        use crate::*;
        use machproto_tests::generated::imports::corpus_common::*;
        corpus_common_handlers!();
    }

    impl ClientParentHandler for End {
        fn send(
            &mut self,
            _actor: &ClientParentHandle,
            _value: UsesImports,
            _channels: Channels,
            _responder: Responder<Result<(), corpus_common::CommonError>>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl ClientChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("imports");
        corpus_common_checks::check(run);
        bind_and_close!(run, Client: ClientParent as "parent", ClientChild as "child");
        run.finish();
    }
}

/// `tests/inputs/ok/imports_include_dir.mproto`.
mod imports_include_dir {
    use crate::*;

    mod corpus_common_checks {
        use crate::*;
        use machproto_tests::generated::imports_include_dir::corpus_common::*;
        corpus_common_handlers!();
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("imports_include_dir");
        corpus_common_checks::check(run);
        run.finish();
    }
}

/// `tests/inputs/ok/literals.mproto`.
mod literals {
    use crate::*;
    use machproto_tests::generated::literals::corpus_literals::*;

    impl TimingParentHandler for End {
        fn quick(&mut self, _actor: &TimingParentHandle, _responder: Responder<()>) {}

        fn slow(&mut self, _actor: &TimingParentHandle, _responder: Responder<()>) {}

        fn separated(&mut self, _actor: &TimingParentHandle, _responder: Responder<()>) {}

        fn hex(&mut self, _actor: &TimingParentHandle, _responder: Responder<()>) {}

        fn last(&mut self, _actor: &TimingParentHandle, _sized: Sized, _bounded: Bounded) {}

        fn escaped(&mut self, _actor: &TimingParentHandle) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl TimingChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("literals");
        bind_and_close!(run, Timing: TimingParent as "parent", TimingChild as "child");
        run.finish();
    }
}
