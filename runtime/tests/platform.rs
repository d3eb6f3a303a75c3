//! The platform test suite: written against the platform API only (ports,
//! rights, messages, port sets, shared memory), so the same tests run over
//! every backend. The multi-process tests start the test binary again as a
//! child (see `machproto_runtime::testing::PeerRoles`).
#![cfg(target_os = "linux")]

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use machproto_runtime::platform::{self, PortSet, PortSetEvent, RecvError, TrySendError};
use machproto_runtime::testing::{PeerRoles, Role, isolated, spawn_in_task};
use machproto_runtime::wire::Message;
use machproto_runtime::{ReceiveRight, Right, RightKind, SendOnceRight, SendRight, SharedMemory};

const LONG: Option<Duration> = Some(Duration::from_secs(20));
const EXIT: Duration = Duration::from_secs(20);

static PEERS: PeerRoles = PeerRoles::new(
    "peer_entry",
    &[
        ("echo_credentials", echo_credentials as Role),
        ("use_every_right", use_every_right),
        ("hold_clone_then_drop", hold_clone_then_drop),
        ("hand_over_receiver_and_exit", hand_over_receiver_and_exit),
        ("hand_over_receiver_and_wait", hand_over_receiver_and_wait),
        ("count_descriptors", count_descriptors),
        ("fill_shared_memory", fill_shared_memory),
    ],
);

/// The child's side of every multi-process test.
#[test]
fn peer_entry() {
    PEERS.serve();
}

fn message(bytes: &[u8], rights: Vec<Right>) -> Message {
    Message {
        bytes: bytes.to_vec(),
        rights,
    }
}

fn send_right(right: Right) -> Result<SendRight, String> {
    match right {
        Right::Send(send) => Ok(send),
        other => Err(format!("expected a send right, got a {}", other.kind())),
    }
}

fn report(to: &SendRight, text: &str, rights: Vec<Right>) -> Result<(), String> {
    to.send(message(text.as_bytes(), rights), LONG)
        .map_err(|e| format!("report `{text}`: {e}"))
}

fn temp_file(contents: &[u8]) -> OwnedFd {
    let mut file = tempfile_in_memory();
    file.write_all(contents).unwrap();
    file.rewind().unwrap();
    file.into()
}

/// What one kind of right carries data as: a file descriptor (a fileport
/// on Mach, simulated too).
const CONTENT_KIND: RightKind = RightKind::Fd;

/// A right carrying `contents` (see [`CONTENT_KIND`]).
fn content_right(contents: &[u8]) -> Right {
    Right::Fd(temp_file(contents))
}

/// The text a right made by [`content_right`] carries.
fn read_content(right: Right) -> Result<String, String> {
    match right {
        Right::Fd(fd) => {
            let mut text = String::new();
            File::from(fd)
                .read_to_string(&mut text)
                .map_err(|e| e.to_string())?;
            Ok(text)
        }
        Right::SharedMemory(memory) => {
            // Mach rounds a region up to whole pages: the text ends at the
            // first zero byte.
            let mapping = memory.map_read_only().map_err(|e| e.to_string())?;
            let bytes = mapping.as_slice();
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            Ok(String::from_utf8_lossy(&bytes[..end]).into_owned())
        }
        other => Err(format!("a {} carries no content", other.kind())),
    }
}

fn tempfile_in_memory() -> File {
    let path = std::env::temp_dir().join(format!(
        "machproto-platform-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    file
}

// ---------------------------------------------------------------- one process

#[test]
fn bytes_and_every_right_kind_arrive_intact() {
    isolated(|| {
        let (receive, send) = platform::port().unwrap();
        let (inner_receive, inner_send) = platform::port().unwrap();
        let (_reply_receive, reply) = platform::reply_port().unwrap();
        let memory = SharedMemory::new(4096).unwrap();
        let rights = vec![
            Right::Send(inner_send),
            Right::Receive(inner_receive),
            Right::SendOnce(reply),
            Right::SharedMemory(memory),
            content_right(b"contents"),
        ];
        send.try_send(message(b"hello", rights)).unwrap();
        let received = receive.try_recv().unwrap();
        assert_eq!(received.message.bytes, b"hello");
        let kinds: Vec<RightKind> = received.message.rights.iter().map(Right::kind).collect();
        assert_eq!(
            kinds,
            [
                RightKind::Send,
                RightKind::Receive,
                RightKind::SendOnce,
                RightKind::SharedMemory,
                CONTENT_KIND
            ]
        );
        let mut rights = received.message.rights.into_iter();
        let (Some(Right::Send(s)), Some(Right::Receive(r))) = (rights.next(), rights.next()) else {
            panic!("kinds checked above");
        };
        s.try_send(message(b"inner", Vec::new())).unwrap();
        assert_eq!(r.recv(LONG).unwrap().message.bytes, b"inner");
        let _ = rights.next();
        let Some(Right::SharedMemory(memory)) = rights.next() else {
            panic!("kinds checked above");
        };
        assert_eq!(memory.len(), 4096);
        let text = read_content(rights.next().expect("five rights")).unwrap();
        assert_eq!(text, "contents");
    })
}

#[test]
fn recv_times_out_and_try_recv_does_not_wait() {
    isolated(|| {
        let (receive, _send) = platform::port().unwrap();
        assert!(matches!(receive.try_recv(), Err(RecvError::Timeout)));
        let start = Instant::now();
        assert!(matches!(
            receive.recv(Some(Duration::from_millis(60))),
            Err(RecvError::Timeout)
        ));
        assert!(start.elapsed() >= Duration::from_millis(60));
    })
}

#[test]
fn queue_full_returns_the_message_and_sending_resumes() {
    isolated(|| {
        let (receive, send) = platform::port().unwrap();
        let mut sent = 0;
        let returned = loop {
            let right = content_right(b"x");
            match send.try_send(message(&[7; 64], vec![right])) {
                Ok(()) => sent += 1,
                Err(TrySendError::QueueFull(back)) => break back,
                Err(other) => panic!("{other}"),
            }
            assert!(sent < 100_000, "queue never filled");
        };
        assert_eq!(
            returned.rights.len(),
            1,
            "the rights come back with the message"
        );
        assert!(!send.wait_writable(Some(Duration::from_millis(20))).unwrap());
        // The receiver drains the queue; the sender, waiting, is woken and resumes.
        let mut drained = 0;
        while receive.try_recv().is_ok() {
            drained += 1;
        }
        assert_eq!(drained, sent);
        assert!(send.wait_writable(Some(Duration::from_secs(5))).unwrap());
        send.try_send(returned).unwrap();
        assert_eq!(receive.recv(LONG).unwrap().message.rights.len(), 1);
    })
}

#[test]
fn blocking_send_times_out_on_a_full_queue() {
    isolated(|| {
        let (_receive, send) = platform::port().unwrap();
        while send.try_send(message(&[0; 64], Vec::new())).is_ok() {}
        let result = send.send(
            message(b"late", Vec::new()),
            Some(Duration::from_millis(30)),
        );
        assert!(matches!(result, Err(platform::SendError::Timeout(_))));
    })
}

#[test]
fn peer_gone_both_ways_in_one_process() {
    isolated(|| {
        let (receive, send) = platform::port().unwrap();
        let clone = send.try_clone().unwrap();
        send.try_send(message(b"last words", Vec::new())).unwrap();
        drop(send);
        assert!(receive.try_recv().is_ok(), "queued messages still arrive");
        assert!(
            matches!(receive.try_recv(), Err(RecvError::Timeout)),
            "a clone is alive"
        );
        drop(clone);
        assert!(matches!(receive.recv(LONG), Err(RecvError::PeerGone)));

        let (receive, send) = platform::port().unwrap();
        drop(receive);
        assert!(matches!(
            send.try_send(message(b"x", Vec::new())),
            Err(TrySendError::PeerGone(_))
        ));
    })
}

#[test]
fn a_send_once_right_replies_once() {
    isolated(|| {
        let (receive, reply): (ReceiveRight, SendOnceRight) = platform::reply_port().unwrap();
        reply.send(message(b"answer", Vec::new())).unwrap();
        assert_eq!(receive.recv(LONG).unwrap().message.bytes, b"answer");
        assert!(matches!(receive.recv(LONG), Err(RecvError::PeerGone)));
    })
}

#[test]
fn large_payloads_travel_whole() {
    isolated(|| {
        let (receive, send) = platform::port().unwrap();
        let payload: Vec<u8> = (0..(1 << 20)).map(|i: u32| (i % 251) as u8).collect();
        send.try_send(message(&payload, vec![content_right(b"a")]))
            .unwrap();
        let received = receive.recv(LONG).unwrap();
        assert_eq!(received.message.bytes, payload);
        assert_eq!(received.message.rights.len(), 1);
    })
}

#[test]
fn port_sets_deliver_from_every_member_and_report_departures() {
    isolated(|| {
        let set = PortSet::new().unwrap();
        let mut senders = Vec::new();
        let mut tokens = Vec::new();
        for _ in 0..5 {
            let (receive, send) = platform::port().unwrap();
            tokens.push(set.insert(receive).unwrap());
            senders.push(send);
        }
        for (index, send) in senders.iter().enumerate() {
            send.try_send(message(&[index as u8], Vec::new())).unwrap();
        }
        let mut seen = Vec::new();
        for _ in 0..5 {
            match set.recv(LONG).unwrap() {
                PortSetEvent::Message(token, received) => {
                    let index = tokens.iter().position(|t| *t == token).unwrap();
                    assert_eq!(received.message.bytes, [index as u8]);
                    seen.push(index);
                }
                other => panic!("{other:?}"),
            }
        }
        seen.sort();
        assert_eq!(seen, [0, 1, 2, 3, 4]);
        assert!(matches!(
            set.recv(Some(Duration::from_millis(20))),
            Err(RecvError::Timeout)
        ));
        drop(senders.remove(2));
        match set.recv(LONG).unwrap() {
            PortSetEvent::PeerGone(token, _) => assert_eq!(token, tokens[2]),
            other => panic!("{other:?}"),
        }
        assert_eq!(set.len(), 4);
    })
}

#[test]
fn port_sets_say_when_a_full_port_can_take_messages_again() {
    isolated(|| {
        let set = PortSet::new().unwrap();
        let (receive, send) = platform::port().unwrap();
        while send.try_send(message(&[1; 64], Vec::new())).is_ok() {}
        let watch = set.watch_writable(&send).unwrap();
        assert!(
            matches!(
                set.recv(Some(Duration::from_millis(30))),
                Err(RecvError::Timeout)
            ),
            "the queue is still full"
        );
        while receive.try_recv().is_ok() {}
        match set.recv(LONG).unwrap() {
            PortSetEvent::Writable(token) => assert_eq!(token, watch),
            other => panic!("{other:?}"),
        }
        send.try_send(message(b"again", Vec::new())).unwrap();
        assert_eq!(receive.recv(LONG).unwrap().message.bytes, b"again");

        // A watched port whose receiver dies wakes the watch too.
        let (gone_receive, gone_send) = platform::port().unwrap();
        while gone_send.try_send(message(&[2; 64], Vec::new())).is_ok() {}
        let watch = set.watch_writable(&gone_send).unwrap();
        drop(gone_receive);
        match set.recv(LONG).unwrap() {
            PortSetEvent::Writable(token) => assert_eq!(token, watch),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            gone_send.try_send(message(b"x", Vec::new())),
            Err(TrySendError::PeerGone(_))
        ));
    })
}

#[test]
fn shared_memory_is_shared_and_its_size_sealed() {
    isolated(|| {
        let memory = SharedMemory::new(8192).unwrap();
        let (receive, send) = platform::port().unwrap();
        let mut writer = memory.map().unwrap();
        send.try_send(message(b"", vec![Right::SharedMemory(memory)]))
            .unwrap();
        let Some(Right::SharedMemory(received)) = receive.recv(LONG).unwrap().message.rights.pop()
        else {
            panic!("shared memory expected");
        };
        assert_eq!(received.len(), 8192);
        writer.as_mut_slice().unwrap()[100] = 42;
        let reader = received.map_read_only().unwrap();
        assert_eq!(reader.as_slice()[100], 42);
        // Linux can forbid writes in place; a Mach memory entry cannot.
        if cfg!(feature = "mach-sim") {
            assert!(received.seal_read_only().is_err());
        } else {
            received.seal_read_only().unwrap();
            assert!(
                received.map().is_err(),
                "no new writable mapping after sealing"
            );
        }
    })
}

// ---------------------------------------------------------------- processes

fn echo_credentials(right: Right) -> Result<(), String> {
    let to_parent = send_right(right)?;
    report(&to_parent, &std::process::id().to_string(), Vec::new())
}

#[test]
fn credentials_name_the_sending_process() {
    isolated(|| {
        let (receive, send) = platform::port().unwrap();
        let peer = PEERS.spawn("echo_credentials", Right::Send(send)).unwrap();
        let child = peer.id();
        let received = receive.recv(LONG).unwrap();
        assert_eq!(received.sender.pid, child);
        if !cfg!(feature = "mach-sim") {
            // A simulated task reports a pid of its own, not the process's.
            assert_eq!(
                String::from_utf8(received.message.bytes).unwrap(),
                child.to_string()
            );
        }
        assert_eq!(received.sender.uid, rustix_uid());
        assert!(peer.wait(EXIT).unwrap().success());
    })
}

fn rustix_uid() -> u32 {
    // The test runs as one user in both processes.
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap()
}

/// Receives a port from the parent, then a message holding one right of
/// every kind, uses each and reports.
fn use_every_right(right: Right) -> Result<(), String> {
    let to_parent = send_right(right)?;
    let (mine, to_me) = platform::port().map_err(|e| e.to_string())?;
    report(&to_parent, "ready", vec![Right::Send(to_me)])?;
    let received = mine.recv(LONG).map_err(|e| e.to_string())?;
    let mut rights = received.message.rights.into_iter();
    let (Some(Right::Send(send)), Some(Right::SendOnce(once)), Some(Right::Receive(receive))) =
        (rights.next(), rights.next(), rights.next())
    else {
        return Err("rights out of order".into());
    };
    let (Some(Right::SharedMemory(memory)), Some(content)) = (rights.next(), rights.next()) else {
        return Err("rights out of order".into());
    };
    let queued = receive.recv(LONG).map_err(|e| e.to_string())?;
    let text = read_content(content)?;
    let mut mapping = memory.map().map_err(|e| e.to_string())?;
    let cells = mapping.as_mut_slice().ok_or("not writable")?;
    let seen = cells[0];
    cells[1] = seen + 1;
    once.send(message(b"via send-once", Vec::new()))
        .map_err(|e| e.to_string())?;
    let summary = format!(
        "{}|{}|{seen}",
        String::from_utf8_lossy(&queued.message.bytes),
        text
    );
    report(&send, &summary, Vec::new())
}

#[test]
fn each_right_kind_crosses_a_process_and_works_there() {
    isolated(|| {
        let (receive, send) = platform::port().unwrap();
        let peer = PEERS.spawn("use_every_right", Right::Send(send)).unwrap();
        let ready = receive.recv(LONG).unwrap();
        let to_child = send_right(ready.message.rights.into_iter().next().unwrap()).unwrap();

        let (reply_receive, reply) = platform::reply_port().unwrap();
        let (queued_receive, queued_send) = platform::port().unwrap();
        queued_send
            .try_send(message(b"queued before the move", Vec::new()))
            .unwrap();
        let memory = SharedMemory::new(64).unwrap();
        let mut mapping = memory.map().unwrap();
        mapping.as_mut_slice().unwrap()[0] = 41;
        let (summary_receive, summary_send) = platform::port().unwrap();
        to_child
            .try_send(message(
                b"",
                vec![
                    Right::Send(summary_send),
                    Right::SendOnce(reply),
                    Right::Receive(queued_receive),
                    Right::SharedMemory(memory),
                    content_right(b"file text"),
                ],
            ))
            .unwrap();
        assert_eq!(
            reply_receive.recv(LONG).unwrap().message.bytes,
            b"via send-once"
        );
        let summary = summary_receive.recv(LONG).unwrap();
        assert_eq!(
            summary.message.bytes,
            b"queued before the move|file text|41"
        );
        assert_eq!(
            mapping.as_slice()[1],
            42,
            "the child wrote into shared memory"
        );
        assert!(peer.wait(EXIT).unwrap().success());
    })
}

/// Holds a clone of the parent's send right until told to drop it.
fn hold_clone_then_drop(right: Right) -> Result<(), String> {
    let clone = send_right(right)?;
    let (mine, to_me) = platform::port().map_err(|e| e.to_string())?;
    report(&clone, "holding", vec![Right::Send(to_me)])?;
    mine.recv(LONG).map_err(|e| e.to_string())?;
    drop(clone);
    // Stay alive a little: peer-gone must come from the drop, not the exit.
    std::thread::sleep(Duration::from_millis(300));
    Ok(())
}

#[test]
fn a_clone_dropped_in_another_process_is_the_last_sender() {
    isolated(|| {
        let (receive, send) = platform::port().unwrap();
        let clone = send.try_clone().unwrap();
        let peer = PEERS
            .spawn("hold_clone_then_drop", Right::Send(clone))
            .unwrap();
        let holding = receive.recv(LONG).unwrap();
        let to_child = send_right(holding.message.rights.into_iter().next().unwrap()).unwrap();
        drop(send);
        assert!(
            matches!(
                receive.recv(Some(Duration::from_millis(200))),
                Err(RecvError::Timeout)
            ),
            "the child's clone keeps the port alive"
        );
        let told = Instant::now();
        to_child.try_send(message(b"drop it", Vec::new())).unwrap();
        assert!(matches!(receive.recv(LONG), Err(RecvError::PeerGone)));
        assert!(
            told.elapsed() < Duration::from_millis(250),
            "seen before the child exits"
        );
        assert!(peer.wait(EXIT).unwrap().success());
    })
}

fn hand_over_receiver_and_exit(right: Right) -> Result<(), String> {
    let to_parent = send_right(right)?;
    let (mine, to_me) = platform::port().map_err(|e| e.to_string())?;
    report(&to_parent, "here", vec![Right::Send(to_me)])?;
    drop(mine);
    Ok(())
}

fn hand_over_receiver_and_wait(right: Right) -> Result<(), String> {
    let to_parent = send_right(right)?;
    let (mine, to_me) = platform::port().map_err(|e| e.to_string())?;
    report(&to_parent, "here", vec![Right::Send(to_me)])?;
    let _ = mine.recv(LONG);
    Ok(())
}

#[test]
fn the_death_of_the_receiver_is_seen_by_the_sender() {
    isolated(|| {
        for (role, kill) in [
            ("hand_over_receiver_and_exit", false),
            ("hand_over_receiver_and_wait", true),
        ] {
            let (receive, send) = platform::port().unwrap();
            let peer = PEERS.spawn(role, Right::Send(send)).unwrap();
            let here = receive.recv(LONG).unwrap();
            let to_child = send_right(here.message.rights.into_iter().next().unwrap()).unwrap();
            if kill {
                peer.kill().unwrap();
            } else {
                assert!(peer.wait(EXIT).unwrap().success());
            }
            let result = to_child.try_send(message(b"anyone?", Vec::new()));
            assert!(
                matches!(result, Err(TrySendError::PeerGone(_))),
                "{role}: {result:?}"
            );
            assert!(
                to_child
                    .wait_writable(Some(Duration::from_secs(1)))
                    .unwrap(),
                "hang-up wakes waiters"
            );
        }
    })
}

fn count_descriptors(right: Right) -> Result<(), String> {
    let to_parent = send_right(right)?;
    let (mine, to_me) = platform::port().map_err(|e| e.to_string())?;
    report(&to_parent, "ready", vec![Right::Send(to_me)])?;
    let received = mine.recv(LONG).map_err(|e| e.to_string())?;
    let count = received.message.rights.len();
    let last = match received.message.rights.into_iter().last() {
        Some(right) => read_content(right)?,
        None => String::new(),
    };
    report(&to_parent, &format!("{count} {last}"), Vec::new())
}

#[test]
fn three_hundred_descriptors_in_one_message() {
    isolated(|| {
        let (receive, send) = platform::port().unwrap();
        let peer = PEERS.spawn("count_descriptors", Right::Send(send)).unwrap();
        let ready = receive.recv(LONG).unwrap();
        let to_child = send_right(ready.message.rights.into_iter().next().unwrap()).unwrap();
        let mut rights: Vec<Right> = (0..299).map(|_| content_right(b"-")).collect();
        rights.push(content_right(b"the last one"));
        to_child.send(message(b"many", rights), LONG).unwrap();
        let answer = receive.recv(LONG).unwrap();
        assert_eq!(answer.message.bytes, b"300 the last one");
        assert!(peer.wait(EXIT).unwrap().success());
    })
}

fn fill_shared_memory(right: Right) -> Result<(), String> {
    let to_parent = send_right(right)?;
    let memory = SharedMemory::new(1 << 20).map_err(|e| e.to_string())?;
    let mut mapping = memory.map().map_err(|e| e.to_string())?;
    for (index, byte) in mapping
        .as_mut_slice()
        .ok_or("read-only")?
        .iter_mut()
        .enumerate()
    {
        *byte = (index % 253) as u8;
    }
    report(&to_parent, "filled", vec![Right::SharedMemory(memory)])
}

#[test]
fn shared_memory_written_by_one_process_is_read_by_another() {
    isolated(|| {
        let (receive, send) = platform::port().unwrap();
        let peer = PEERS
            .spawn("fill_shared_memory", Right::Send(send))
            .unwrap();
        let filled = receive.recv(LONG).unwrap();
        assert!(peer.wait(EXIT).unwrap().success());
        let Some(Right::SharedMemory(memory)) = filled.message.rights.into_iter().next() else {
            panic!("shared memory expected");
        };
        assert_eq!(memory.len(), 1 << 20);
        let mapping = memory.map_read_only().unwrap();
        assert!(
            mapping
                .as_slice()
                .iter()
                .enumerate()
                .all(|(i, b)| *b == (i % 253) as u8)
        );
    })
}

#[test]
fn a_send_right_whose_port_dies_in_transit_arrives_and_reports_the_peer_gone() {
    isolated(|| {
        let (inbox, to_inbox) = platform::port().unwrap();
        let (doomed, to_doomed) = platform::port().unwrap();
        let (once_doomed, to_once) = platform::reply_port().unwrap();
        to_inbox
            .try_send(message(
                b"rights to ports about to die",
                vec![Right::Send(to_doomed), Right::SendOnce(to_once)],
            ))
            .unwrap();
        // Both ports die while the rights to them are in flight: a race a
        // peer can always lose, not a malformed message.
        drop(doomed);
        drop(once_doomed);
        let received = inbox.recv(LONG).unwrap();
        let mut rights = received.message.rights.into_iter();
        let (Some(Right::Send(dead)), Some(Right::SendOnce(dead_once))) =
            (rights.next(), rights.next())
        else {
            panic!("both rights arrive");
        };
        assert!(matches!(
            dead.try_send(message(b"anyone?", Vec::new())),
            Err(TrySendError::PeerGone(_))
        ));
        assert!(dead.wait_writable(Some(Duration::ZERO)).unwrap());
        assert!(dead_once.send(message(b"anyone?", Vec::new())).is_err());
    })
}

#[test]
fn a_reply_sent_just_before_its_right_closes_is_never_lost() {
    // The kernel may see the sender's close before its last message when
    // a read races both; the receive must still return the message. The
    // race is rare, so it is run many times (each one asserted).
    isolated(|| {
        for round in 0..5_000u32 {
            let (port, reply_to) = platform::reply_port().unwrap();
            let answer = spawn_in_task(move || {
                reply_to
                    .send(message(&round.to_le_bytes(), Vec::new()))
                    .unwrap();
            });
            let received = port.recv(LONG).unwrap_or_else(|error| {
                panic!("round {round}: the reply was lost ({error:?})");
            });
            assert_eq!(received.message.bytes, round.to_le_bytes());
            answer.join().unwrap();
        }
    })
}
