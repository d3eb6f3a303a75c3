//! ipc-channel: byte channels for the plain rows, `IpcSender`s as the
//! rights, `IpcSharedMemory` for shared memory; bootstrapped through
//! `IpcOneShotServer`.

use std::fmt;
use std::hint::black_box;
use std::io;
use std::process::Child;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{
    self, IpcBytesReceiver, IpcBytesSender, IpcOneShotServer, IpcReceiver, IpcSender,
    IpcSharedMemory,
};
use serde::{Deserialize, Serialize};

use crate::common::{
    Control, MANY_RIGHTS, Parent, Row, SMALL, acks_after, child_command, io_err, pattern,
    touch_pages,
};

/// The name of the parent's one-shot server, for the child to connect to.
const SERVER_VAR: &str = "IPC_COMPARE_SERVER";

/// A rights-row message: 64 bytes and the senders it carries.
type RightsMessage = (Vec<u8>, Vec<IpcSender<()>>);

/// What the child sends the parent's one-shot server: every channel of the
/// benchmark (the child made them all, and keeps the other ends).
#[derive(Serialize, Deserialize)]
struct Bootstrap {
    to_child: IpcBytesSender,
    from_child: IpcBytesReceiver,
    rights_to_child: IpcSender<RightsMessage>,
    rights_from_child: IpcReceiver<RightsMessage>,
    shm_to_child: IpcSender<IpcSharedMemory>,
}

/// The parent's side.
pub(crate) struct Ipc {
    child: Child,
    channels: Bootstrap,
    /// Senders to channels of this process, for the rights rows; they go to
    /// the child and come back with every round trip.
    pool: Vec<IpcSender<()>>,
    _receivers: Vec<IpcReceiver<()>>,
    source: Vec<u8>,
}

impl fmt::Debug for Ipc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ipc").field("child", &self.child).finish()
    }
}

pub(crate) fn spawn(pinned: bool) -> io::Result<Box<dyn Parent>> {
    let (server, name) = IpcOneShotServer::<Bootstrap>::new()?;
    let mut command = child_command("ipc", pinned)?;
    command.env(SERVER_VAR, name);
    let child = command.spawn()?;
    let (_bootstrap_receiver, channels) = server.accept().map_err(io_err)?;
    let mut pool = Vec::new();
    let mut receivers = Vec::new();
    for _ in 0..MANY_RIGHTS {
        let (sender, receiver) = ipc::channel::<()>()?;
        pool.push(sender);
        receivers.push(receiver);
    }
    Ok(Box::new(Ipc {
        child,
        channels,
        pool,
        _receivers: receivers,
        source: pattern(),
    }))
}

impl Parent for Ipc {
    fn supports(&self, row: Row) -> bool {
        // Writing into an existing `IpcSharedMemory` takes its `unsafe`
        // `deref_mut`; the safe API only makes new regions.
        row != Row::ShmReused
    }

    fn run(&mut self, row: Row, iters: u64) -> io::Result<Duration> {
        let c = &self.channels;
        c.to_child.send(&Control::Run(row, iters).encode())?;
        c.from_child.recv().map_err(io_err)?;
        let payload = vec![7u8; SMALL];
        let start = Instant::now();
        match row {
            Row::Rtt64
            | Row::CallReply64
            | Row::SyncCall64
            | Row::ActorCallReply64
            | Row::ActorCallWait64
            | Row::ActorSyncCall64 => {
                for _ in 0..iters {
                    c.to_child.send(&payload)?;
                    black_box(c.from_child.recv().map_err(io_err)?);
                }
            }
            Row::Oneway64 => {
                for i in 0..iters {
                    c.to_child.send(&payload)?;
                    if acks_after(i, iters) {
                        c.from_child.recv().map_err(io_err)?;
                    }
                }
            }
            Row::Rtt1Right | Row::Rtt16Rights => {
                let senders = self.pool.split_off(self.pool.len() - row.rights());
                let mut m = (payload, senders);
                for _ in 0..iters {
                    c.rights_to_child.send(m).map_err(io_err)?;
                    m = c.rights_from_child.recv().map_err(io_err)?;
                }
                let elapsed = start.elapsed();
                self.pool.extend(m.1);
                return Ok(elapsed);
            }
            Row::ShmReused => return Err(io::Error::other("not supported")),
            Row::ShmNew => {
                for _ in 0..iters {
                    let region = IpcSharedMemory::from_bytes(&self.source);
                    c.shm_to_child.send(region).map_err(io_err)?;
                    c.from_child.recv().map_err(io_err)?;
                }
            }
        }
        Ok(start.elapsed())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.channels.to_child.send(&Control::Exit.encode())?;
        let status = self.child.wait()?;
        if !status.success() {
            return Err(io::Error::other(format!("ipc-channel child: {status}")));
        }
        Ok(())
    }
}

/// The child's side.
pub(crate) fn child() -> io::Result<()> {
    let name = std::env::var(SERVER_VAR).map_err(io_err)?;
    let server = IpcSender::<Bootstrap>::connect(name)?;
    let (to_child, from_parent) = ipc::bytes_channel()?;
    let (to_parent, from_child) = ipc::bytes_channel()?;
    let (rights_to_child, rights_from_parent) = ipc::channel::<RightsMessage>()?;
    let (rights_to_parent, rights_from_child) = ipc::channel::<RightsMessage>()?;
    let (shm_to_child, shm_from_parent) = ipc::channel::<IpcSharedMemory>()?;
    server
        .send(Bootstrap {
            to_child,
            from_child,
            rights_to_child,
            rights_from_child,
            shm_to_child,
        })
        .map_err(io_err)?;
    drop(server);

    loop {
        let (row, iters) = match Control::decode(&from_parent.recv().map_err(io_err)?)? {
            Control::Exit => return Ok(()),
            Control::Run(row, iters) => (row, iters),
        };
        to_parent.send(b"A")?;
        match row {
            Row::Rtt64
            | Row::CallReply64
            | Row::SyncCall64
            | Row::ActorCallReply64
            | Row::ActorCallWait64
            | Row::ActorSyncCall64 => {
                for _ in 0..iters {
                    let m = from_parent.recv().map_err(io_err)?;
                    to_parent.send(&m)?;
                }
            }
            Row::Oneway64 => {
                for i in 0..iters {
                    black_box(from_parent.recv().map_err(io_err)?);
                    if acks_after(i, iters) {
                        to_parent.send(b"A")?;
                    }
                }
            }
            Row::Rtt1Right | Row::Rtt16Rights => {
                for _ in 0..iters {
                    let m = rights_from_parent.recv().map_err(io_err)?;
                    rights_to_parent.send(m).map_err(io_err)?;
                }
            }
            Row::ShmReused => return Err(io::Error::other("not supported")),
            Row::ShmNew => {
                for _ in 0..iters {
                    let region = shm_from_parent.recv().map_err(io_err)?;
                    black_box(touch_pages(&region));
                    drop(region);
                    to_parent.send(b"A")?;
                }
            }
        }
    }
}

/// `port_create`: a channel, then both ends dropped.
pub(crate) fn port_create(iters: u64) -> io::Result<Duration> {
    let start = Instant::now();
    for _ in 0..iters {
        drop(black_box(ipc::channel::<()>()?));
    }
    Ok(start.elapsed())
}
