//! The generated broker of `protocols/rights.mproto` at work, on both
//! backends (`scripts/test.sh` runs it again with `--features mach-sim`): a
//! client constructs a lease, hands the broker a managed endpoint inside a
//! message on another channel (the broker binds it under its side of the
//! broker channel), connects to a service through an endpoint in a reply,
//! moves every kind of right in unions, options, vectors and maps, checks
//! in with a send-once right, and has an endpoint the broker opened come
//! back to it unbindable, which ends the broker's side with
//! `ManagedEndpointDropped`.
#![cfg(target_os = "linux")]

#[path = "support/log.rs"]
mod log;

use log::{Log, WAIT};
use std::sync::{Arc, Mutex};

use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop, Responder};
use machproto_runtime::wire::Message;
use machproto_runtime::{
    Endpoint, ManagedEndpoint, ReceiveRight, SendOnceRight, SharedMemory, create_endpoints,
    platform,
};
use machproto_tests::generated::rights::ipc_rights::*;
use machproto_tests::manifest::Manifest;
use machproto_tests::platform::SurfaceRef;

fn right_name(right: &AnyRight) -> &'static str {
    match right {
        AnyRight::Send(_) => "send",
        AnyRight::SendOnce(_) => "send-once",
        AnyRight::Receive(_) => "receive",
        AnyRight::Memory(_) => "memory",
        AnyRight::File(_) => "file",
        AnyRight::Surface(_) => "surface",
        AnyRight::Service(_) => "service",
        AnyRight::None => "none",
    }
}

/// The broker's side of the broker channel.
struct BrokerService {
    log: Log,
    event_loop: EventLoop,
    services: Vec<ServiceParentHandle>,
}

impl BrokerParentHandler for BrokerService {
    fn lease(
        &mut self,
        _actor: &BrokerParentHandle,
        new_actor: &LeaseParentHandle,
        name: String,
    ) -> Option<Box<dyn LeaseParentHandler>> {
        new_actor.renewed(100).unwrap();
        Some(Box::new(BrokerLease {
            log: self.log.clone(),
            name,
        }))
    }

    fn register(&mut self, _actor: &BrokerParentHandle, bundle: PortBundle, handoff: Handoff) {
        self.log.push(format!(
            "broker register memory {} ports {} files {:?} regions {:?} surfaces {}",
            bundle.memory.len(),
            handoff.ports.len(),
            handoff.files_by_name.keys().collect::<Vec<_>>(),
            handoff.regions_by_id.keys().collect::<Vec<_>>(),
            handoff.surfaces.len() + 1,
        ));
    }

    fn connect(
        &mut self,
        _actor: &BrokerParentHandle,
        service: String,
        responder: Responder<BrokerConnectResults>,
    ) {
        let (server, client) = create_endpoints::<Service>().unwrap();
        let handle = ServiceParent::open(
            server,
            &self.event_loop,
            &ActorOptions::new("broker"),
            Server {
                log: self.log.clone(),
                name: service,
            },
        )
        .unwrap();
        self.services.push(handle);
        responder.respond(BrokerConnectResults { client }).unwrap();
    }

    fn offer(
        &mut self,
        _actor: &BrokerParentHandle,
        _server: Endpoint<ServiceParent>,
        manifest: Manifest,
    ) {
        self.log.push(format!(
            "broker offer {} {}",
            manifest.name, manifest.version
        ));
    }

    fn adopt(&mut self, _actor: &BrokerParentHandle, lease: ManagedEndpoint<LeaseChild>) {
        // A child-side lease cannot be bound here: dropping it tells its
        // opener (which is this broker).
        self.log.push("broker adopt");
        drop(lease);
    }

    fn transfer(
        &mut self,
        _actor: &BrokerParentHandle,
        right: Option<AnyRight>,
        rights: Vec<AnyRight>,
    ) {
        let names: Vec<&str> = right.iter().chain(&rights).map(right_name).collect();
        self.log.push(format!("broker transfer {names:?}"));
    }

    fn check_in(
        &mut self,
        _actor: &BrokerParentHandle,
        reply_to: SendOnceRight,
        name: Option<String>,
    ) {
        let answer = Message {
            bytes: format!("welcome {}", name.unwrap_or_default()).into_bytes(),
            rights: Vec::new(),
        };
        reply_to.send(answer).unwrap();
    }
}

struct BrokerLease {
    log: Log,
    name: String,
}

impl LeaseParentHandler for BrokerLease {
    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log
            .push(format!("broker lease {} {reason:?}", self.name));
    }
}

/// A service the broker serves.
struct Server {
    log: Log,
    name: String,
}

impl ServiceParentHandler for Server {
    fn request(
        &mut self,
        _actor: &ServiceParentHandle,
        payload: Vec<u8>,
        reply_port: SendOnceRight,
        responder: Responder<ServiceRequestResults>,
    ) {
        self.log
            .push(format!("server {} request {}", self.name, payload.len()));
        // The reply port is the caller's own; answer on it too.
        reply_port
            .send(Message {
                bytes: b"side".to_vec(),
                rights: Vec::new(),
            })
            .unwrap();
        let mut response = payload;
        response.reverse();
        responder
            .respond(ServiceRequestResults { response })
            .unwrap();
    }
}

/// The broker's end of the client's service channel: binds the lease
/// endpoints it is handed under its side of the broker channel.
struct LeaseIntake {
    log: Log,
    broker: Arc<Mutex<Option<BrokerParentHandle>>>,
}

impl ServiceChildHandler for LeaseIntake {
    fn handle(
        &mut self,
        _actor: &ServiceChildHandle,
        _port: ReceiveRight,
        lease: Option<ManagedEndpoint<LeaseParent>>,
    ) {
        let Some(lease) = lease else {
            return;
        };
        let broker = self.broker.lock().unwrap().clone().unwrap();
        let bound = LeaseParent::bind(
            lease,
            &broker,
            BrokerLease {
                log: self.log.clone(),
                name: "handed".into(),
            },
        )
        .unwrap();
        bound.renewed(200).unwrap();
    }
}

/// The client's side of the broker channel.
struct Client {
    log: Log,
}

impl BrokerChildHandler for Client {
    fn grant(
        &mut self,
        _actor: &BrokerChildHandle,
        memory: Option<SharedMemory>,
        files: Vec<std::os::fd::OwnedFd>,
        by_name: std::collections::BTreeMap<String, AnyRight>,
    ) {
        let names: Vec<String> = by_name
            .iter()
            .map(|(name, right)| format!("{name}={}", right_name(right)))
            .collect();
        self.log.push(format!(
            "client grant memory {} files {} {names:?}",
            memory.is_some(),
            files.len()
        ));
    }
}

struct ClientLease {
    log: Log,
    name: &'static str,
}

impl LeaseChildHandler for ClientLease {
    fn renewed(&mut self, _actor: &LeaseChildHandle, until_ns: u64) {
        self.log
            .push(format!("client {} renewed {until_ns}", self.name));
    }
}

/// The client's side of a service channel the broker serves.
struct ServiceUser;

impl ServiceChildHandler for ServiceUser {
    fn handle(
        &mut self,
        _actor: &ServiceChildHandle,
        _port: ReceiveRight,
        _lease: Option<ManagedEndpoint<LeaseParent>>,
    ) {
    }
}

/// The client's side of the channel it hands leases over.
struct LeaseCourier;

impl ServiceParentHandler for LeaseCourier {
    fn request(
        &mut self,
        _actor: &ServiceParentHandle,
        _payload: Vec<u8>,
        _reply_port: SendOnceRight,
        _responder: Responder<ServiceRequestResults>,
    ) {
    }
}

fn surface() -> SurfaceRef {
    let (_port, send) = platform::port().unwrap();
    SurfaceRef { port: send }
}

#[test]
fn the_generated_broker_moves_every_kind_of_right_and_managed_endpoints() {
    let (broker_loop, _) = EventLoop::spawn("broker").unwrap();
    let (client_loop, _) = EventLoop::spawn("client").unwrap();
    let log = Log::default();
    let (broker_end, client_end) = create_endpoints::<Broker>().unwrap();
    let broker = BrokerParent::open(
        broker_end,
        &broker_loop,
        &ActorOptions::new("broker"),
        BrokerService {
            log: log.clone(),
            event_loop: broker_loop.clone(),
            services: Vec::new(),
        },
    )
    .unwrap();
    let client = BrokerChild::open(
        client_end,
        &client_loop,
        &ActorOptions::new("client"),
        Client { log: log.clone() },
    )
    .unwrap();

    // A lease by constructor: the broker renews it at once.
    let _lease = client
        .lease(
            "printer".into(),
            ClientLease {
                log: log.clone(),
                name: "printer",
            },
        )
        .unwrap();
    log.wait_line("client printer renewed 100");

    // A lease by managed endpoint, handed over on another channel.
    let shared_broker = Arc::new(Mutex::new(Some(broker.clone())));
    let (courier_end, intake_end) = create_endpoints::<Service>().unwrap();
    let courier = ServiceParent::open(
        courier_end,
        &client_loop,
        &ActorOptions::new("client"),
        LeaseCourier,
    )
    .unwrap();
    let _intake = ServiceChild::open(
        intake_end,
        &broker_loop,
        &ActorOptions::new("broker"),
        LeaseIntake {
            log: log.clone(),
            broker: Arc::clone(&shared_broker),
        },
    )
    .unwrap();
    let (handed, endpoint) = client
        .open_lease_endpoint(ClientLease {
            log: log.clone(),
            name: "handed",
        })
        .unwrap();
    // A receive right beside it, whose sender we keep.
    let (receive, _sender) = platform::port().unwrap();
    courier.handle(receive, Some(endpoint)).unwrap();
    log.wait_line("client handed renewed 200");
    handed.delete(None).unwrap();
    log.wait_line("broker lease handed Deletion");

    // A service reached through an endpoint in a reply; a send-once
    // right as a parameter.
    let connected = client.connect("echo".into()).unwrap().wait(WAIT).unwrap();
    let service = ServiceChild::open(
        connected.client,
        &client_loop,
        &ActorOptions::new("client"),
        ServiceUser,
    )
    .unwrap();
    let (side_replies, side_reply) = platform::reply_port().unwrap();
    let response = service
        .request(b"abc".to_vec(), side_reply)
        .unwrap()
        .wait(WAIT)
        .unwrap();
    assert_eq!(response.response, b"cba");
    assert_eq!(
        side_replies.recv(Some(WAIT)).unwrap().message.bytes,
        b"side"
    );

    // Rights in an option and a vector of unions, surfaces among them.
    let (_kept, send) = platform::port().unwrap();
    client
        .transfer(
            Some(AnyRight::Send(send)),
            vec![
                AnyRight::Memory(SharedMemory::new(4096).unwrap()),
                AnyRight::Surface(surface()),
                AnyRight::None,
            ],
        )
        .unwrap();
    log.wait_line(r#"broker transfer ["send", "memory", "surface", "none"]"#);

    // A check-in answered on the send-once right it carries.
    let (answers, reply_to) = platform::reply_port().unwrap();
    client.check_in(reply_to, Some("tests".into())).unwrap();
    assert_eq!(
        answers.recv(Some(WAIT)).unwrap().message.bytes,
        b"welcome tests"
    );

    // An endpoint in a message, and a serde manifest beside it.
    let (offered, _unused) = create_endpoints::<Service>().unwrap();
    client
        .offer(
            offered,
            Manifest {
                name: "printing".into(),
                version: 3,
            },
        )
        .unwrap();
    log.wait_line("broker offer printing 3");

    // Descriptors, in structs, maps and vectors (fileports on Mach).
    {
        let file = || {
            std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
                .unwrap()
                .into()
        };
        let (_receive_kept, send) = platform::port().unwrap();
        let (_reply_kept, reply) = platform::reply_port().unwrap();
        let (receive, _send_kept) = platform::port().unwrap();
        let bundle = PortBundle {
            send,
            reply,
            receive,
            memory: SharedMemory::new(4096).unwrap(),
            file: file(),
        };
        let handoff = Handoff {
            extra_port: None,
            ports: vec![platform::port().unwrap().1],
            files_by_name: [("config".to_string(), file())].into_iter().collect(),
            regions_by_id: [(7, SharedMemory::new(4096).unwrap())]
                .into_iter()
                .collect(),
            double_buffer: [
                SharedMemory::new(4096).unwrap(),
                SharedMemory::new(4096).unwrap(),
            ],
            surface: surface(),
            surfaces: vec![surface()],
            manifest: Manifest {
                name: "m".into(),
                version: 1,
            },
        };
        client.register(bundle, handoff).unwrap();
        log.wait_line(
            r#"broker register memory 4096 ports 1 files ["config"] regions [7] surfaces 2"#,
        );
        let by_name = [
            ("log".to_string(), AnyRight::File(file())),
            ("none".to_string(), AnyRight::None),
        ]
        .into_iter()
        .collect();
        broker
            .grant(
                Some(SharedMemory::new(4096).unwrap()),
                vec![file(), file()],
                by_name,
            )
            .unwrap();
        log.wait_line(r#"client grant memory true files 2 ["log=file", "none=none"]"#);
    }

    // An endpoint the broker opened, back in a message where it cannot be
    // bound: dropped there, it ends the broker's side.
    let (_adopted, lease_child) = broker
        .open_lease_endpoint(BrokerLease {
            log: log.clone(),
            name: "adopted".into(),
        })
        .unwrap();
    client.adopt(lease_child).unwrap();
    log.wait_line("broker adopt");
    log.wait_line("broker lease adopted ManagedEndpointDropped");

    assert!(
        !log.lines().iter().any(|l| l.contains("BadMessage")),
        "{:?}",
        log.lines()
    );
    broker_loop.stop();
    client_loop.stop();
}
