//! Valid test inputs, `qualified_names` to `warn_not_pascal_case`.

/// `tests/inputs/ok/qualified_names.mproto`.
mod qualified_names {
    use crate::*;
    use machproto_tests::generated::qualified_names::{corpus_common, corpus_qualified::*};

    mod corpus_common_checks {
        use crate::*;
        use machproto_tests::generated::qualified_names::corpus_common::*;
        corpus_common_handlers!();
    }

    impl HubParentHandler for End {
        fn spoke(
            &mut self,
            _actor: &HubParentHandle,
            _new_actor: &SpokeParentHandle,
        ) -> Option<Box<dyn SpokeParentHandler>> {
            Some(Box::new(Managee))
        }

        fn send(
            &mut self,
            _actor: &HubParentHandle,
            _mixed: Mixed,
            _endpoints: Endpoints,
            _responder: Responder<Result<(), corpus_common::CommonError>>,
        ) {
        }

        fn fail(
            &mut self,
            _actor: &HubParentHandle,
            _responder: Responder<Result<(), LocalError>>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl HubChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl SpokeParentHandler for Managee {}

    impl SpokeChildHandler for Managee {}

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("qualified_names");
        corpus_common_checks::check(run);
        bind_and_close!(run, Hub: HubParent as "parent", HubChild as "child");
        implements!(run, SpokeParent: SpokeParentHandler, SpokeChild: SpokeChildHandler);
        run.finish();
    }
}

/// `tests/inputs/ok/recursion.mproto`.
mod recursion {
    use crate::*;
    use machproto_tests::generated::recursion::corpus_recursion::*;

    impl TreeParentHandler for End {
        fn send(
            &mut self,
            _actor: &TreeParentHandle,
            _node: Node,
            _list: List,
            _value: Value,
            _expr: Expr,
            _grid: Grid,
            _files: FdTree,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl TreeChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("recursion");
        bind_and_close!(run, Tree: TreeParent as "parent", TreeChild as "child");
        run.finish();
    }
}

/// `tests/inputs/ok/resources.mproto`.
mod resources {
    use crate::*;
    use machproto_tests::generated::resources::corpus_resources::*;

    impl HolderParentHandler for End {
        fn give(
            &mut self,
            _actor: &HolderParentHandle,
            _a: InVec,
            _b: InArray,
            _c: InMapValue,
            _d: InOptional,
            _e: InUsing,
            _f: InUnion,
            _g: ThroughStruct,
            _h: ThroughUnion,
            _i: ThroughContainers,
            _j: InEndpoint,
            _k: Plain,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl HolderChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("resources");
        bind_and_close!(run, Holder: HolderParent as "parent", HolderChild as "child");
        run.finish();
    }
}

/// `tests/inputs/ok/scopes.mproto`.
mod scopes {
    use crate::*;
    use machproto_tests::generated::scopes::corpus_scopes::*;

    impl DrawingParentHandler for End {
        fn point(
            &mut self,
            _actor: &DrawingParentHandle,
            _point: Point,
            _x: i32,
            _responder: Responder<DrawingPointResults>,
        ) {
        }

        fn shape(&mut self, _actor: &DrawingParentHandle, _shape: Shape) {}

        fn geometry(&mut self, _actor: &DrawingParentHandle, _x: Geometry) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl DrawingChildHandler for End {
        fn pair(&mut self, _actor: &DrawingChildHandle, _pair: Pair, _other: Other) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl Other2ParentHandler for End {
        fn point(&mut self, _actor: &Other2ParentHandle, _x: i32) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl Other2ChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("scopes");
        bind_and_close!(run, Drawing: DrawingParent as "parent", DrawingChild as "child");
        bind_and_close!(run, Other2: Other2Parent as "parent", Other2Child as "child");
        run.finish();
    }
}

/// `tests/inputs/ok/spec_library_example.mproto`.
mod spec_library_example {
    use crate::*;
    use machproto_tests::generated::spec_library_example::gfx_texture::*;

    impl TextureParentHandler for Managee {}

    impl TextureChildHandler for Managee {
        fn update(&mut self, _actor: &TextureChildHandle, _pixels: SharedMemory) {}
    }

    impl CompositorParentHandler for End {
        fn texture(
            &mut self,
            _actor: &CompositorParentHandle,
            _new_actor: &TextureParentHandle,
            _id: u64,
        ) -> Option<Box<dyn TextureParentHandler>> {
            Some(Box::new(Managee))
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl CompositorChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("spec_library_example");
        bind_and_close!(run, Compositor: CompositorParent as "parent", CompositorChild as "child");
        implements!(run, TextureParent: TextureParentHandler, TextureChild: TextureChildHandler);
        run.finish();
    }
}

/// `tests/inputs/ok/spec_protocols.mproto`.
mod spec_protocols {
    use crate::*;
    use machproto_tests::generated::spec_protocols::gfx_compositor::*;

    impl VsyncParentHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl VsyncChildHandler for End {
        fn tick(&mut self, _actor: &VsyncChildHandle, _timestamp_ns: u64) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl CompositorParentHandler for End {
        fn texture(
            &mut self,
            _actor: &CompositorParentHandle,
            _new_actor: &TextureParentHandle,
            _id: u64,
            _info: SurfaceInfo,
        ) -> Option<Box<dyn TextureParentHandler>> {
            Some(Box::new(Managee))
        }

        fn present(&mut self, _actor: &CompositorParentHandle, _frame: SurfaceDescriptor) {}

        fn lookup(
            &mut self,
            _actor: &CompositorParentHandle,
            _key: String,
            _responder: Responder<Result<CompositorLookupResults, LookupError>>,
        ) {
        }

        fn wait_for_texture_ids_to_unlock(
            &mut self,
            _actor: &CompositorParentHandle,
            _ids: Vec<u64>,
            _responder: Responder<CompositorWaitForTextureIdsToUnlockResults>,
        ) {
        }

        fn bridge(&mut self, _actor: &CompositorParentHandle, _vsync: Endpoint<VsyncChild>) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl CompositorChildHandler for End {
        fn invalidate(&mut self, _actor: &CompositorChildHandle, _region: [u32; 4]) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl TextureParentHandler for Managee {}

    impl TextureChildHandler for Managee {
        fn update(&mut self, _actor: &TextureChildHandle, _pixels: SharedMemory) {}
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("spec_protocols");
        bind_and_close!(run, Vsync: VsyncParent as "parent", VsyncChild as "child");
        bind_and_close!(run, Compositor: CompositorParent as "gpu", CompositorChild as "content");
        implements!(run, TextureParent: TextureParentHandler, TextureChild: TextureChildHandler);
        run.finish();
    }
}

/// `tests/inputs/ok/trailing_commas.mproto`.
mod trailing_commas {
    use crate::*;
    use machproto_tests::generated::trailing_commas::corpus_commas::*;

    impl RootParentHandler for End {
        fn params(&mut self, _actor: &RootParentHandle, _a: u32, _b: Fields) {}

        fn results(
            &mut self,
            _actor: &RootParentHandle,
            _a: u32,
            _responder: Responder<RootResultsResults>,
        ) {
        }

        fn first(
            &mut self,
            _actor: &RootParentHandle,
            _new_actor: &FirstParentHandle,
            _x: Members,
        ) -> Option<Box<dyn FirstParentHandler>> {
            Some(Box::new(Managee))
        }

        fn second(
            &mut self,
            _actor: &RootParentHandle,
            _new_actor: &SecondParentHandle,
            _y: Variants,
            _z: OneField,
            _w: OneMember,
        ) -> Option<Box<dyn SecondParentHandler>> {
            Some(Box::new(Managee))
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl RootChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl FirstParentHandler for Managee {}

    impl FirstChildHandler for Managee {}

    impl SecondParentHandler for Managee {}

    impl SecondChildHandler for Managee {}

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("trailing_commas");
        bind_and_close!(run, Root: RootParent as "parent", RootChild as "child");
        implements!(run, FirstParent: FirstParentHandler, FirstChild: FirstChildHandler);
        implements!(run, SecondParent: SecondParentHandler, SecondChild: SecondChildHandler);
        run.finish();
    }
}

/// `tests/inputs/ok/types_all.mproto`.
mod types_all {
    use crate::*;
    use machproto_tests::generated::types_all::corpus_types::*;

    impl TopParentHandler for End {
        fn leaf(
            &mut self,
            _actor: &TopParentHandle,
            _new_actor: &LeafParentHandle,
        ) -> Option<Box<dyn LeafParentHandler>> {
            Some(Box::new(Managee))
        }

        fn everything(
            &mut self,
            _actor: &TopParentHandle,
            _scalars: Scalars,
            _containers: Containers,
            _resources: Resources,
        ) {
        }

        fn inline(
            &mut self,
            _actor: &TopParentHandle,
            _a: bool,
            _b: String,
            _c: [u8; 16],
            _d: BTreeMap<i64, OwnedFd>,
            _e: Option<Endpoint<TopChild>>,
            _responder: Responder<TopInlineResults>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl TopChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl LeafParentHandler for Managee {}

    impl LeafChildHandler for Managee {}

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("types_all");
        bind_and_close!(run, Top: TopParent as "parent", TopChild as "child");
        implements!(run, LeafParent: LeafParentHandler, LeafChild: LeafChildHandler);
        run.finish();
    }
}

/// `tests/inputs/ok/warn_keyword_type_names.mproto`.
mod warn_keyword_type_names {
    use crate::*;
    use machproto_tests::generated::warn_keyword_type_names::corpus_keyword_types::*;

    impl SandboxParentHandler for End {
        fn go(
            &mut self,
            _actor: &SandboxParentHandle,
            _value: r#loop,
            _choice: r#match,
            _responder: Responder<Result<SandboxGoResults, r#dyn>>,
        ) {
        }

        fn keep(&mut self, _actor: &SandboxParentHandle, _holder: Holder) {}

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
        let run = &mut Run::new("warn_keyword_type_names");
        bind_and_close!(run, Sandbox: SandboxParent as "parent", SandboxChild as "child");
        run.finish();
    }
}

/// `tests/inputs/ok/warn_not_pascal_case.mproto`.
mod warn_not_pascal_case {
    use crate::*;
    use machproto_tests::generated::warn_not_pascal_case::corpus_warnings::*;

    impl drawing_serviceParentHandler for End {
        fn draw(&mut self, _actor: &drawing_serviceParentHandle, _at: point, _with: color) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl drawing_serviceChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("warn_not_pascal_case");
        bind_and_close!(
            run,
            drawing_service: drawing_serviceParent as "parent",
            drawing_serviceChild as "child"
        );
        run.finish();
    }
}
