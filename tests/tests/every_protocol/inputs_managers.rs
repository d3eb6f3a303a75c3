//! The valid test input `managers.mproto`.

/// `tests/inputs/ok/managers.mproto`.
mod managers {
    use crate::*;
    use machproto_tests::generated::managers::corpus_managers::*;

    impl EditorParentHandler for End {
        fn document(
            &mut self,
            _actor: &EditorParentHandle,
            _new_actor: &DocumentParentHandle,
            _path: String,
        ) -> Option<Box<dyn DocumentParentHandler>> {
            Some(Box::new(Managee))
        }

        fn viewer(&mut self, _actor: &EditorParentHandle, _id: u32) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl EditorChildHandler for End {
        fn clipboard(
            &mut self,
            _actor: &EditorChildHandle,
            _new_actor: &ClipboardChildHandle,
        ) -> Option<Box<dyn ClipboardChildHandler>> {
            Some(Box::new(Managee))
        }

        fn viewer(&mut self, _actor: &EditorChildHandle, _id: u32) {}

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl PrinterParentHandler for End {
        fn document(
            &mut self,
            _actor: &PrinterParentHandle,
            _new_actor: &DocumentParentHandle,
        ) -> Option<Box<dyn DocumentParentHandler>> {
            Some(Box::new(Managee))
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl PrinterChildHandler for End {
        fn document(
            &mut self,
            _actor: &PrinterChildHandle,
            _new_actor: &DocumentChildHandle,
        ) -> Option<Box<dyn DocumentChildHandler>> {
            Some(Box::new(Managee))
        }

        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl DocumentParentHandler for Managee {
        fn page(
            &mut self,
            _actor: &DocumentParentHandle,
            _new_actor: &PageParentHandle,
            _number: u32,
        ) -> Option<Box<dyn PageParentHandler>> {
            Some(Box::new(Managee))
        }

        fn save(
            &mut self,
            _actor: &DocumentParentHandle,
            _responder: Responder<DocumentSaveResults>,
        ) {
        }

        fn flush(&mut self, _actor: &DocumentParentHandle, _responder: Responder<()>) {}

        fn close(
            &mut self,
            _actor: &DocumentParentHandle,
            _force: bool,
            _responder: Responder<Result<(), Failure>>,
        ) {
        }

        fn export(
            &mut self,
            _actor: &DocumentParentHandle,
            _format: String,
            _responder: Responder<DocumentExportResults>,
        ) {
        }

        fn touch(&mut self, _actor: &DocumentParentHandle, _responder: Responder<()>) {}

        fn rename(
            &mut self,
            _actor: &DocumentParentHandle,
            _name: String,
            _responder: Responder<Result<(), Failure>>,
        ) {
        }
    }

    impl DocumentChildHandler for Managee {}

    impl PageParentHandler for Managee {}

    impl PageChildHandler for Managee {
        fn render(&mut self, _actor: &PageChildHandle, _scale: f32) {}
    }

    impl ClipboardParentHandler for Managee {
        fn copy(&mut self, _actor: &ClipboardParentHandle, _text: String) {}
    }

    impl ClipboardChildHandler for Managee {}

    impl ViewerParentHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl ViewerChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl IdleParentHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    impl IdleChildHandler for End {
        fn actor_destroyed(&mut self, reason: DestroyReason) {
            self.ended(reason);
        }
    }

    #[test]
    fn binds_and_closes() {
        let run = &mut Run::new("managers");
        bind_and_close!(run, Editor: EditorParent as "parent", EditorChild as "child");
        bind_and_close!(run, Printer: PrinterParent as "parent", PrinterChild as "child");
        bind_and_close!(run, Viewer: ViewerParent as "parent", ViewerChild as "child");
        bind_and_close!(run, Idle: IdleParent as "parent", IdleChild as "child");
        implements!(
            run,
            DocumentParent: DocumentParentHandler,
            DocumentChild: DocumentChildHandler
        );
        implements!(run, PageParent: PageParentHandler, PageChild: PageChildHandler);
        implements!(
            run,
            ClipboardParent: ClipboardParentHandler,
            ClipboardChild: ClipboardChildHandler
        );
        run.finish();
    }
}
