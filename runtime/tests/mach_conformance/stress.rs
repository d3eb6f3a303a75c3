//! Random operations over several simulated tasks, auditing the kernel's
//! books after every step (simulator only).
#![cfg(not(target_vendor = "apple"))]

use crate::harness::*;
use machproto_runtime::mach_sim::{Task, audit, move_right};
use machproto_runtime::mach_sys::extra::*;
use machproto_runtime::mach_sys::mach_port::mach_port_destroy;
use machproto_runtime::mach_sys::message::*;
use machproto_runtime::mach_sys::notify::*;
use machproto_runtime::mach_sys::port::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const DISPOSITIONS: [u32; 6] = [
    MACH_MSG_TYPE_MOVE_RECEIVE,
    MACH_MSG_TYPE_MOVE_SEND,
    MACH_MSG_TYPE_MOVE_SEND_ONCE,
    MACH_MSG_TYPE_COPY_SEND,
    MACH_MSG_TYPE_MAKE_SEND,
    MACH_MSG_TYPE_MAKE_SEND_ONCE,
];

/// A random name of the calling task (including dead and made-up ones).
fn pick(rng: &mut Rng) -> u32 {
    let all: Vec<u32> = names().into_iter().filter(|&n| n > 0x203).collect();
    if all.is_empty() || rng.next(10) == 0 {
        return [MACH_PORT_NULL, MACH_PORT_DEAD, 0x7777_7703][rng.next(3)];
    }
    all[rng.next(all.len())]
}

/// Usually a disposition that fits the right `name` holds.
fn fitting(rng: &mut Rng, name: u32, body: bool) -> u32 {
    let t = ty(name).unwrap_or(0);
    let choices: &[u32] = if rng.next(5) == 0 {
        &DISPOSITIONS
    } else if t & MACH_PORT_TYPE_RECEIVE != 0 && body && rng.next(3) == 0 {
        &[MACH_MSG_TYPE_MOVE_RECEIVE]
    } else if t & MACH_PORT_TYPE_RECEIVE != 0 {
        &[MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE]
    } else if t & MACH_PORT_TYPE_SEND != 0 {
        &[MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MOVE_SEND]
    } else if t & MACH_PORT_TYPE_SEND_ONCE != 0 {
        &[MACH_MSG_TYPE_MOVE_SEND_ONCE]
    } else {
        &[MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_COPY_SEND]
    };
    let d = choices[rng.next(choices.len())];
    if !body && d == MACH_MSG_TYPE_MOVE_RECEIVE {
        MACH_MSG_TYPE_MAKE_SEND
    } else {
        d
    }
}

fn step(rng: &mut Rng, tasks: &[Task]) {
    let here = &tasks[rng.next(tasks.len())];
    let there = &tasks[rng.next(tasks.len())];
    here.run(|| match rng.next(12) {
        0 | 1 => {
            port();
        }
        2 => {
            let (name, poly) = (pick(rng), pick(rng));
            let _ = insert(name, poly, fitting(rng, poly, true));
        }
        3 => {
            let name = pick(rng);
            let _ = move_right(here, name, fitting(rng, name, true), there);
        }
        4 | 5 => {
            let dest = pick(rng);
            let mut msg = Msg::to(dest, fitting(rng, dest, false));
            if rng.next(2) == 0 {
                let reply = pick(rng);
                msg = msg.reply(reply, fitting(rng, reply, false));
            }
            for _ in 0..rng.next(4) {
                let name = pick(rng);
                msg = msg.port(name, fitting(rng, name, true));
            }
            let _ = msg.send();
        }
        6 | 7 => {
            let (kr, mut buf) = recv(pick(rng), if rng.next(4) == 0 { 24 } else { 512 });
            if kr == MACH_MSG_SUCCESS {
                unsafe { mach_msg_destroy(buf.ptr()) };
            }
        }
        8 => {
            let _ = dealloc(pick(rng));
        }
        9 => {
            let _ = unsafe { mach_port_destroy(me(), pick(rng)) };
        }
        10 => {
            let ids = [
                MACH_NOTIFY_DEAD_NAME,
                MACH_NOTIFY_NO_SENDERS,
                MACH_NOTIFY_PORT_DESTROYED,
                MACH_NOTIFY_SEND_POSSIBLE,
            ];
            let (kr, previous) =
                request(pick(rng), ids[rng.next(4)], rng.next(2) as u32, pick(rng));
            if kr == 0 && previous != MACH_PORT_NULL {
                let _ = dealloc(previous);
            }
        }
        _ => {
            let _ = mod_refs(pick(rng), rng.next(5) as u32, rng.next(3) as i32 - 1);
        }
    });
    if let Err(problem) = audit() {
        panic!("after a step in {:?}: {problem}", here.id());
    }
}

#[test]
fn random_operations_keep_every_right_accounted_for() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..40 {
        let tasks: Vec<Task> = (0..3).map(|_| Task::new()).collect();
        for _ in 0..200 {
            step(&mut rng, &tasks);
        }
        let doomed = rng.next(3);
        tasks[doomed].terminate();
        assert_eq!(audit(), Ok(()), "after terminating a task in round {round}");
        drop(tasks);
        assert_eq!(
            audit(),
            Ok(()),
            "after terminating all tasks in round {round}"
        );
    }
}

#[test]
fn blocked_senders_and_a_set_receiver_make_progress() {
    use machproto_runtime::mach_sys::mach_port::mach_port_set_attributes;
    use machproto_runtime::mach_sys::port::{MACH_PORT_LIMITS_INFO, mach_port_limits_t};
    let env = env();
    let set = alloc(MACH_PORT_RIGHT_PORT_SET);
    let ports = [port(), port()];
    for p in ports {
        let mut two = mach_port_limits_t { mpl_qlimit: 2 };
        let kr = unsafe {
            mach_port_set_attributes(me(), p, MACH_PORT_LIMITS_INFO, (&raw mut two).cast(), 1)
        };
        assert_eq!(kr, 0);
        assert_eq!(unsafe { mach_port_move_member(me(), p, set) }, 0);
    }
    let producers: Vec<_> = (0..4)
        .map(|i| {
            let task = Task::new();
            let name =
                move_right(env.task(), ports[i % 2], MACH_MSG_TYPE_MAKE_SEND, &task).unwrap();
            std::thread::spawn(move || {
                task.run(|| {
                    for n in 0..200 {
                        let msg = Msg::to(name, MACH_MSG_TYPE_COPY_SEND).id(n);
                        let option = MACH_SEND_MSG | MACH_SEND_TIMEOUT;
                        assert_eq!(msg.send_with(option, 10_000).0, MACH_MSG_SUCCESS);
                    }
                    assert_eq!(dealloc(name), 0);
                });
            })
        })
        .collect();
    let mut last = std::collections::HashMap::new();
    for _ in 0..800 {
        let (kr, buf) = recv_with(set, 128, MACH_RCV_TIMEOUT, 10_000);
        assert_eq!(kr, MACH_MSG_SUCCESS);
        last.entry(buf.local())
            .or_insert_with(Vec::new)
            .push(buf.id());
    }
    for producer in producers {
        producer.join().unwrap();
    }
    assert_eq!(last.values().map(Vec::len).sum::<usize>(), 800);
    assert!(empty(set));
    assert_eq!(audit(), Ok(()));
    assert_eq!(dealloc(set), 0);
    for p in ports {
        assert_eq!(status(p).mps_srights, 0);
        kill(p);
    }
    env.finish();
}
