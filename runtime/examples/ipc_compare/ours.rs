//! The machproto platform layer: one port each way, rights as `Right`s.

use std::hint::black_box;
use std::io;
use std::process::Child;
use std::time::{Duration, Instant};

use machproto_runtime::channel::Bound;
use machproto_runtime::platform::{self, Mapping, pass_descriptor, take_inherited};
use machproto_runtime::wire::{self, Message};
use machproto_runtime::{
    Endpoint, Protocol, ProtocolSide, ReceiveRight, Right, SendRight, SharedMemory, Side,
    create_endpoints,
};
use rustix::net::{AddressFamily, Shutdown, SocketFlags, SocketType};

use crate::actors::{ActorCaller, Echo, EchoChild, serve};
use crate::common::{
    CHILD_FD, Control, MANY_RIGHTS, Parent, Row, SETUP_TIMEOUT, SHM_LEN, SMALL, acks_after,
    child_command, io_err, pattern, touch_pages,
};

fn message(bytes: Vec<u8>, rights: Vec<Right>) -> Message {
    Message { bytes, rights }
}

fn send(to: &SendRight, message: Message) -> io::Result<()> {
    to.send(message, None).map_err(io_err)
}

fn recv(from: &ReceiveRight) -> io::Result<Message> {
    Ok(from.recv(None).map_err(io_err)?.message)
}

fn ack() -> Message {
    message(vec![b'A'], Vec::new())
}

/// The protocol of the `call_reply_64b` row: the parent calls `Echo`, the
/// child answers with the same bytes.
struct Bench;
struct BenchParent;
struct BenchChild;
impl ProtocolSide for BenchParent {
    const PROTOCOL: &'static str = "bench.Bench";
    const SIDE: Side = Side::Parent;
}
impl ProtocolSide for BenchChild {
    const PROTOCOL: &'static str = "bench.Bench";
    const SIDE: Side = Side::Child;
}
impl Protocol for Bench {
    type Parent = BenchParent;
    type Child = BenchChild;
}
const ECHO: u32 = 1;
/// How long one call may take before the run is declared failed.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The parent's side.
#[derive(Debug)]
pub(crate) struct Ours {
    child: Child,
    to_child: SendRight,
    from_child: ReceiveRight,
    /// Send rights to ports of this process, for the rights rows. They go to
    /// the child and come back with every round trip.
    pool: Vec<Right>,
    /// The receive rights of those ports, held so the ports stay alive.
    _ports: Vec<ReceiveRight>,
    /// The region of `shm_1mib_reused`, mapped once; the child has it too.
    shared: Mapping,
    source: Vec<u8>,
    /// The parent side of the channel-level call rows.
    bound: Bound<BenchParent>,
    /// The parent's actor of the actor-level rows.
    actor: ActorCaller,
}

/// The port that carries the child's setup message: made here, rather than
/// with `platform::port`, because its receive end must be a descriptor to
/// hand over. It is used once; the benchmark runs over `platform::port`s.
fn bootstrap_pair() -> io::Result<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
    let (receive, send) = rustix::net::socketpair(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        SocketFlags::CLOEXEC,
        None,
    )?;
    rustix::net::shutdown(&receive, Shutdown::Write)?;
    rustix::net::shutdown(&send, Shutdown::Read)?;
    rustix::net::sockopt::set_socket_passcred(&receive, true)?;
    Ok((receive, send))
}

pub(crate) fn spawn(pinned: bool) -> io::Result<Box<dyn Parent>> {
    let (boot_receive, boot_send) = bootstrap_pair()?;
    let mut command = child_command("ours", pinned)?;
    pass_descriptor(&mut command, &boot_receive, CHILD_FD);
    let child = command.spawn()?;
    drop(boot_receive);
    let boot = SendRight::from_fd(boot_send);

    let (from_child, to_parent) = platform::port()?;
    let region = SharedMemory::new(SHM_LEN as u64)?;
    let shared = region.map()?;
    let (parent_end, child_end) = create_endpoints::<Bench>()?;
    let (end_receive, end_send, nonce) = child_end.into_parts();
    let (actor_parent_end, actor_child_end) = create_endpoints::<Echo>()?;
    let (actor_receive, actor_send, actor_nonce) = actor_child_end.into_parts();
    let mut nonces = nonce.to_le_bytes().to_vec();
    nonces.extend(actor_nonce.to_le_bytes());
    boot.send(
        message(
            nonces,
            vec![
                Right::Send(to_parent),
                Right::SharedMemory(region),
                Right::Receive(end_receive),
                Right::Send(end_send),
                Right::Receive(actor_receive),
                Right::Send(actor_send),
            ],
        ),
        SETUP_TIMEOUT,
    )
    .map_err(io_err)?;
    let hello = from_child.recv(SETUP_TIMEOUT).map_err(io_err)?;
    let Some(Right::Send(to_child)) = hello.message.rights.into_iter().next() else {
        return Err(io::Error::other("the child sent no send right"));
    };

    let mut pool = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..MANY_RIGHTS {
        let (receive, send) = platform::port()?;
        ports.push(receive);
        pool.push(Right::Send(send));
    }
    Ok(Box::new(Ours {
        child,
        to_child,
        from_child,
        pool,
        _ports: ports,
        shared,
        source: pattern(),
        bound: parent_end.bind("bench-parent", Some("bench-child"))?,
        actor: ActorCaller::open(actor_parent_end)?,
    }))
}

impl Parent for Ours {
    fn run(&mut self, row: Row, iters: u64) -> io::Result<Duration> {
        let control = Control::Run(row, iters).encode().to_vec();
        send(&self.to_child, message(control, Vec::new()))?;
        recv(&self.from_child)?;
        let payload = vec![7u8; SMALL];
        let start = Instant::now();
        match row {
            Row::Rtt64 | Row::Rtt1Right | Row::Rtt16Rights => {
                let rights = self.pool.split_off(self.pool.len() - row.rights());
                let mut m = message(payload, rights);
                for _ in 0..iters {
                    send(&self.to_child, m)?;
                    m = recv(&self.from_child)?;
                }
                let elapsed = start.elapsed();
                self.pool.extend(m.rights);
                return Ok(elapsed);
            }
            Row::Oneway64 => {
                for i in 0..iters {
                    send(&self.to_child, message(payload.clone(), Vec::new()))?;
                    if acks_after(i, iters) {
                        recv(&self.from_child)?;
                    }
                }
            }
            Row::ShmReused => {
                for _ in 0..iters {
                    let region = self.shared.as_mut_slice().expect("mapped writable");
                    region.copy_from_slice(&self.source);
                    send(&self.to_child, message(vec![b'N'], Vec::new()))?;
                    recv(&self.from_child)?;
                }
            }
            Row::CallReply64 => {
                for _ in 0..iters {
                    let argument = wire::encode(payload.clone()).map_err(io_err)?;
                    let reply = self
                        .bound
                        .call::<Vec<u8>>(0, ECHO, argument)
                        .map_err(io_err)?;
                    let answer = self.bound.wait_reply(reply, CALL_TIMEOUT);
                    black_box(answer.map_err(io_err)?);
                }
            }
            Row::SyncCall64 => {
                for _ in 0..iters {
                    let argument = wire::encode(payload.clone()).map_err(io_err)?;
                    let answer = self
                        .bound
                        .call_sync::<Vec<u8>>(0, ECHO, argument, CALL_TIMEOUT);
                    black_box(answer.map_err(io_err)?);
                }
            }
            Row::ActorCallReply64 => {
                for _ in 0..iters {
                    black_box(self.actor.call(&payload, CALL_TIMEOUT)?);
                }
            }
            Row::ActorCallWait64 => {
                let runner = self.actor.run_elsewhere()?;
                for _ in 0..iters {
                    black_box(self.actor.call_and_wait(&payload, CALL_TIMEOUT)?);
                }
                runner.finish()?;
            }
            Row::ActorSyncCall64 => {
                for _ in 0..iters {
                    black_box(self.actor.call_sync(&payload, CALL_TIMEOUT)?);
                }
            }
            Row::ShmNew => {
                for _ in 0..iters {
                    let region = SharedMemory::new(SHM_LEN as u64)?;
                    let mut mapping = region.map()?;
                    let bytes = mapping.as_mut_slice().expect("mapped writable");
                    bytes.copy_from_slice(&self.source);
                    drop(mapping);
                    let rights = vec![Right::SharedMemory(region)];
                    send(&self.to_child, message(vec![b'N'], rights))?;
                    recv(&self.from_child)?;
                }
            }
        }
        Ok(start.elapsed())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        let exit = Control::Exit.encode().to_vec();
        send(&self.to_child, message(exit, Vec::new()))?;
        let status = self.child.wait()?;
        if !status.success() {
            return Err(io::Error::other(format!("ours child: {status}")));
        }
        Ok(())
    }
}

/// The child's side.
pub(crate) fn child() -> io::Result<()> {
    let boot = ReceiveRight::from_fd(take_inherited(CHILD_FD)?);
    let setup = boot.recv(SETUP_TIMEOUT).map_err(io_err)?;
    let mut rights = setup.message.rights.into_iter();
    let (
        Some(Right::Send(to_parent)),
        Some(Right::SharedMemory(region)),
        Some(Right::Receive(end_receive)),
        Some(Right::Send(end_send)),
        Some(Right::Receive(actor_receive)),
        Some(Right::Send(actor_send)),
    ) = (
        rights.next(),
        rights.next(),
        rights.next(),
        rights.next(),
        rights.next(),
        rights.next(),
    )
    else {
        return Err(io::Error::other("bad setup message"));
    };
    let nonce = |at: usize| -> io::Result<u128> {
        let bytes: [u8; 16] = setup
            .message
            .bytes
            .get(at..at + 16)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| io::Error::other("bad setup nonce"))?;
        Ok(u128::from_le_bytes(bytes))
    };
    let endpoint = Endpoint::<BenchChild>::from_parts(end_receive, end_send, nonce(0)?);
    let mut bound = endpoint.bind("bench-child", Some("bench-parent"))?;
    let echo_end = Endpoint::<EchoChild>::from_parts(actor_receive, actor_send, nonce(16)?);
    // Answers the actor rows on its own loop, for the life of the process.
    let _echo = serve(echo_end)?;
    let shared = region.map_read_only()?;
    drop(region);
    let (from_parent, to_child) = platform::port()?;
    send(
        &to_parent,
        message(b"hello".to_vec(), vec![Right::Send(to_child)]),
    )?;
    drop(boot);

    let mut out = vec![0u8; SHM_LEN];
    loop {
        let (row, iters) = match Control::decode(&recv(&from_parent)?.bytes)? {
            Control::Exit => return Ok(()),
            Control::Run(row, iters) => (row, iters),
        };
        send(&to_parent, ack())?;
        match row {
            Row::Rtt64 | Row::Rtt1Right | Row::Rtt16Rights => {
                for _ in 0..iters {
                    let m = recv(&from_parent)?;
                    send(&to_parent, m)?;
                }
            }
            Row::Oneway64 => {
                for i in 0..iters {
                    black_box(recv(&from_parent)?);
                    if acks_after(i, iters) {
                        send(&to_parent, ack())?;
                    }
                }
            }
            Row::ShmReused => {
                for _ in 0..iters {
                    recv(&from_parent)?;
                    out.copy_from_slice(shared.as_slice());
                    black_box(&mut out);
                    send(&to_parent, ack())?;
                }
            }
            // The child's actor answers these on its loop.
            Row::ActorCallReply64 | Row::ActorCallWait64 | Row::ActorSyncCall64 => {}
            Row::CallReply64 | Row::SyncCall64 => {
                for _ in 0..iters {
                    let mut frame = bound.recv(CALL_TIMEOUT).map_err(io_err)?;
                    let responder = bound
                        .responder::<Vec<u8>>(&mut frame)
                        .ok_or_else(|| io::Error::other("a call without a transaction"))?;
                    let argument: Vec<u8> =
                        wire::decode(message(frame.body, frame.rights)).map_err(io_err)?;
                    responder.respond(argument).map_err(io_err)?;
                }
            }
            Row::ShmNew => {
                for _ in 0..iters {
                    let m = recv(&from_parent)?;
                    let Some(Right::SharedMemory(region)) = m.rights.into_iter().next() else {
                        return Err(io::Error::other("expected a region"));
                    };
                    let mapping = region.map_read_only()?;
                    black_box(touch_pages(mapping.as_slice()));
                    drop(mapping);
                    drop(region);
                    send(&to_parent, ack())?;
                }
            }
        }
    }
}

/// `port_create`: a port and its first send right, then both dropped.
pub(crate) fn port_create(iters: u64) -> io::Result<Duration> {
    let start = Instant::now();
    for _ in 0..iters {
        let (receive, send) = platform::port()?;
        drop(black_box((receive, send)));
    }
    Ok(start.elapsed())
}
