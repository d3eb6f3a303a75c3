//! The canonical protocols of `protocols/`.

/// `protocols/bridge.mproto`.
mod bridge {
    use crate::*;
    use machproto_tests::generated::bridge::demo_bridge::*;

    impl WorkerParentHandler for End {
        fn report(
            &mut self,
            _actor: &WorkerParentHandle,
            _calls_made: u32,
            _calls_served: u32,
            _checksum: u64,
            _responder: Responder<()>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl WorkerChildHandler for End {
        fn serve(&mut self, _actor: &WorkerChildHandle, _sums: Endpoint<SumsParent>) {}

        fn ask(&mut self, _actor: &WorkerChildHandle, _sums: Endpoint<SumsChild>, _count: u32) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl SumsParentHandler for End {
        fn add(
            &mut self,
            _actor: &SumsParentHandle,
            _a: u64,
            _b: u64,
            _responder: Responder<SumsAddResults>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl SumsChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("bridge");
        bind_and_close!(run, Worker: WorkerParent as "launcher", WorkerChild as "worker");
        bind_and_close!(run, Sums: SumsParent as "parent", SumsChild as "child");
        run.finish();
    }
}

/// `protocols/fileserver.mproto`.
mod fileserver {
    use crate::*;
    use machproto_tests::generated::fileserver::fs_server::*;

    impl FileServerParentHandler for End {
        fn open(
            &mut self,
            _actor: &FileServerParentHandle,
            _path: Path,
            _mode: OpenMode,
            _responder: Responder<Result<FileServerOpenResults, FsError>>,
        ) {
        }

        fn open_all(
            &mut self,
            _actor: &FileServerParentHandle,
            _paths: Vec<Path>,
            _mode: OpenMode,
            _responder: Responder<Result<FileServerOpenAllResults, OpenAllError>>,
        ) {
        }

        fn read_dir(
            &mut self,
            _actor: &FileServerParentHandle,
            _dir: Path,
            _responder: Responder<Result<FileServerReadDirResults, FsError>>,
        ) {
        }

        fn stat_path(
            &mut self,
            _actor: &FileServerParentHandle,
            _path: Path,
            _responder: Responder<Result<FileServerStatPathResults, FsError>>,
        ) {
        }

        fn watch(
            &mut self,
            _actor: &FileServerParentHandle,
            _dir: Path,
            _responder: Responder<Result<(), FsError>>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl FileServerChildHandler for End {
        fn changed(&mut self, _actor: &FileServerChildHandle, _dir: Path) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("fileserver");
        bind_and_close!(
            run,
            FileServer: FileServerParent as "broker",
            FileServerChild as "sandboxed"
        );
        run.finish();
    }
}

/// `protocols/rights.mproto`.
mod rights {
    use crate::*;
    use machproto_tests::generated::rights::ipc_rights::*;

    impl BrokerParentHandler for End {
        fn lease(
            &mut self,
            _actor: &BrokerParentHandle,
            _new_actor: &LeaseParentHandle,
            _name: String,
        ) -> Option<Box<dyn LeaseParentHandler>> {
            Some(Box::new(Managee))
        }

        fn register(
            &mut self,
            _actor: &BrokerParentHandle,
            _bundle: PortBundle,
            _handoff: Handoff,
        ) {
        }

        fn connect(
            &mut self,
            _actor: &BrokerParentHandle,
            _service: String,
            _responder: Responder<BrokerConnectResults>,
        ) {
        }

        fn offer(
            &mut self,
            _actor: &BrokerParentHandle,
            _server: Endpoint<ServiceParent>,
            _manifest: Manifest,
        ) {
        }

        fn adopt(&mut self, _actor: &BrokerParentHandle, _lease: ManagedEndpoint<LeaseChild>) {}

        fn transfer(
            &mut self,
            _actor: &BrokerParentHandle,
            _right: Option<AnyRight>,
            _rights: Vec<AnyRight>,
        ) {
        }

        fn check_in(
            &mut self,
            _actor: &BrokerParentHandle,
            _reply_to: SendOnceRight,
            _name: Option<String>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl BrokerChildHandler for End {
        fn grant(
            &mut self,
            _actor: &BrokerChildHandle,
            _memory: Option<SharedMemory>,
            _files: Vec<OwnedFd>,
            _by_name: BTreeMap<String, AnyRight>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl ServiceParentHandler for End {
        fn request(
            &mut self,
            _actor: &ServiceParentHandle,
            _payload: Vec<u8>,
            _reply_port: SendOnceRight,
            _responder: Responder<ServiceRequestResults>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl ServiceChildHandler for End {
        fn handle(
            &mut self,
            _actor: &ServiceChildHandle,
            _port: ReceiveRight,
            _lease: Option<ManagedEndpoint<LeaseParent>>,
        ) {
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl LeaseParentHandler for Managee {}

    impl LeaseChildHandler for Managee {
        fn renewed(&mut self, _actor: &LeaseChildHandle, _until_ns: u64) {}
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("rights");
        bind_and_close!(run, Broker: BrokerParent as "broker", BrokerChild as "child");
        bind_and_close!(run, Service: ServiceParent as "parent", ServiceChild as "child");
        implements!(run, LeaseParent: LeaseParentHandler, LeaseChild: LeaseChildHandler);
        run.finish();
    }
}

/// `protocols/tree.mproto`.
mod tree {
    use crate::*;
    use machproto_tests::generated::tree::browser_tree::*;

    impl ContentParentHandler for End {
        fn crash_report(&mut self, _actor: &ContentParentHandle, _minidump: OwnedFd) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl ContentChildHandler for End {
        fn tab(
            &mut self,
            _actor: &ContentChildHandle,
            _new_actor: &TabChildHandle,
            _id: TabId,
            _url: String,
        ) -> Option<Box<dyn TabChildHandler>> {
            Some(Box::new(Managee))
        }

        fn set_low_memory(&mut self, _actor: &ContentChildHandle, _low: bool) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl TabParentHandler for Managee {
        fn title_changed(&mut self, _actor: &TabParentHandle, _title: String) {}
    }

    impl TabChildHandler for Managee {
        fn frame(
            &mut self,
            _actor: &TabChildHandle,
            _new_actor: &FrameChildHandle,
            _frame_id: u64,
        ) -> Option<Box<dyn FrameChildHandler>> {
            Some(Box::new(Managee))
        }

        fn navigate(
            &mut self,
            _actor: &TabChildHandle,
            _url: String,
            _responder: Responder<Result<TabNavigateResults, NavigationError>>,
        ) {
        }
    }

    impl FrameParentHandler for Managee {
        fn loaded(&mut self, _actor: &FrameParentHandle, _url: String) {}
    }

    impl FrameChildHandler for Managee {
        fn frame(
            &mut self,
            _actor: &FrameChildHandle,
            _new_actor: &FrameChildHandle,
            _frame_id: u64,
        ) -> Option<Box<dyn FrameChildHandler>> {
            Some(Box::new(Managee))
        }

        fn click(&mut self, _actor: &FrameChildHandle, _x: i32, _y: i32) {}
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("tree");
        bind_and_close!(run, Content: ContentParent as "browser", ContentChild as "content");
        implements!(run, TabParent: TabParentHandler, TabChild: TabChildHandler);
        implements!(run, FrameParent: FrameParentHandler, FrameChild: FrameChildHandler);
        run.finish();
    }
}

/// `protocols/gfx/compositor.mproto`.
mod compositor {
    use crate::*;
    use machproto_tests::generated::compositor::{gfx_compositor::*, gfx_texture, gfx_vsync};

    mod gfx_vsync_checks {
        use crate::*;
        use machproto_tests::generated::compositor::gfx_vsync::*;
        gfx_vsync_handlers!();
    }

    impl CompositorParentHandler for End {
        fn texture(
            &mut self,
            _actor: &CompositorParentHandle,
            _new_actor: &TextureParentHandle,
            _id: u64,
            _info: gfx_texture::SurfaceInfo,
        ) -> Option<Box<dyn TextureParentHandler>> {
            Some(Box::new(Managee))
        }

        fn present(
            &mut self,
            _actor: &CompositorParentHandle,
            _frame: gfx_texture::SurfaceDescriptor,
            _origin: Point,
        ) {
        }

        fn configure(&mut self, _actor: &CompositorParentHandle, _config: Config) {}

        fn lookup(
            &mut self,
            _actor: &CompositorParentHandle,
            _key: String,
            _responder: Responder<Result<CompositorLookupResults, gfx_texture::LookupError>>,
        ) {
        }

        fn wait_for_texture_ids_to_unlock(
            &mut self,
            _actor: &CompositorParentHandle,
            _ids: Vec<u64>,
            _responder: Responder<CompositorWaitForTextureIdsToUnlockResults>,
        ) {
        }

        fn bridge(
            &mut self,
            _actor: &CompositorParentHandle,
            _vsync: Endpoint<gfx_vsync::VsyncChild>,
        ) {
        }

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
        let run = &mut Run::new("compositor");
        gfx_vsync_checks::check(run);
        bind_and_close!(run, Compositor: CompositorParent as "gpu", CompositorChild as "content");
        implements!(run, TextureParent: TextureParentHandler, TextureChild: TextureChildHandler);
        run.finish();
    }
}

/// `protocols/gfx/vsync.mproto`.
mod vsync {
    use crate::*;

    mod gfx_vsync_checks {
        use crate::*;
        use machproto_tests::generated::vsync::gfx_vsync::*;
        gfx_vsync_handlers!();
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("vsync");
        gfx_vsync_checks::check(run);
        run.finish();
    }
}
