use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake};
use std::thread;
use std::time::Duration;

use super::*;

/// A sink that hands replies straight to a pending table, as the peer's
/// channel would, and remembers what it sent.
struct Loopback {
    table: PendingReplies,
    results: Arc<Mutex<Vec<Result<(), UnexpectedReply>>>>,
}

impl ReplySink for Loopback {
    fn send_reply(self: Box<Self>, transaction: u64, body: Message) {
        let result = self.table.complete(transaction, body);
        self.results.lock().unwrap().push(result);
    }
}

fn responder<T: MachMessage>(table: &PendingReplies, transaction: u64) -> Responder<T> {
    let sink = Loopback {
        table: table.clone(),
        results: Arc::default(),
    };
    Responder::new(transaction, Box::new(sink))
}

const SHORT: Duration = Duration::from_millis(50);
const LONG: Duration = Duration::from_secs(20);

#[test]
fn an_answered_call_gives_the_value_once() {
    let table = PendingReplies::new();
    let (transaction, reply) = table.register::<u32>().unwrap();
    assert_ne!(transaction, 0);
    assert_eq!(table.pending(), 1);
    responder::<u32>(&table, transaction).respond(42).unwrap();
    assert_eq!(table.pending(), 0);
    assert_eq!(reply.wait(SHORT).unwrap(), 42);
    // A second answer to the same call is a violation.
    let again = table.complete(
        transaction,
        Message {
            bytes: vec![ANSWERED, 0, 0, 0, 0],
            rights: Vec::new(),
        },
    );
    assert_eq!(again, Err(UnexpectedReply::UnknownTransaction(transaction)));
}

#[test]
fn transactions_are_distinct() {
    let table = PendingReplies::new();
    let (first, _a) = table.register::<u32>().unwrap();
    let (second, _b) = table.register::<u32>().unwrap();
    assert_ne!(first, second);
}

#[test]
fn a_dropped_responder_rejects_the_call() {
    let table = PendingReplies::new();
    let (transaction, reply) = table.register::<u32>().unwrap();
    drop(responder::<u32>(&table, transaction));
    assert!(matches!(
        reply.wait(SHORT),
        Err(ReplyError::ResponderDropped)
    ));
}

#[test]
fn a_close_fails_pending_and_later_calls() {
    let table = PendingReplies::new();
    let (_, reply) = table.register::<u32>().unwrap();
    let waiter = thread::spawn(move || reply.wait(LONG));
    table.fail_all(&CloseReason::PeerGone);
    let result = waiter.join().unwrap();
    assert!(
        matches!(result, Err(ReplyError::Closed(CloseReason::PeerGone))),
        "{result:?}"
    );
    assert!(matches!(
        table.register::<u32>(),
        Err(ReplyError::Closed(CloseReason::PeerGone))
    ));
    assert_eq!(table.pending(), 0);
}

#[test]
fn a_reply_after_the_caller_gave_up_is_discarded_not_a_violation() {
    let table = PendingReplies::new();
    let (transaction, reply) = table.register::<u32>().unwrap();
    assert!(matches!(
        reply.wait(Duration::ZERO),
        Err(ReplyError::Timeout)
    ));
    assert_eq!(table.pending(), 0);
    let late = Message {
        bytes: vec![ANSWERED, 1, 0, 0, 0],
        rights: Vec::new(),
    };
    assert_eq!(table.complete(transaction, late), Ok(()));
    // Only once: the transaction is forgotten after that.
    let later = Message {
        bytes: vec![ANSWERED, 1, 0, 0, 0],
        rights: Vec::new(),
    };
    assert_eq!(
        table.complete(transaction, later),
        Err(UnexpectedReply::UnknownTransaction(transaction))
    );
}

#[test]
fn hostile_reply_bodies_are_violations() {
    let table = PendingReplies::new();
    let (transaction, _reply) = table.register::<u32>().unwrap();
    let empty = Message::default();
    assert_eq!(
        table.complete(transaction, empty),
        Err(UnexpectedReply::BadStatus(None))
    );
    let (transaction, _reply) = table.register::<u32>().unwrap();
    let unknown = Message {
        bytes: vec![9],
        rights: Vec::new(),
    };
    assert_eq!(
        table.complete(transaction, unknown),
        Err(UnexpectedReply::BadStatus(Some(9)))
    );
    let (transaction, _reply) = table.register::<u32>().unwrap();
    let padded = Message {
        bytes: vec![RESPONDER_DROPPED, 0],
        rights: Vec::new(),
    };
    assert_eq!(
        table.complete(transaction, padded),
        Err(UnexpectedReply::BadStatus(Some(RESPONDER_DROPPED)))
    );
    // The calls stay pending, so the channel's close fails them.
    assert_eq!(table.pending(), 3);
    assert_eq!(
        table.complete(0, Message::default()),
        Err(UnexpectedReply::UnknownTransaction(0))
    );
}

#[test]
fn a_reply_of_the_wrong_shape_is_a_decode_error() {
    let table = PendingReplies::new();
    let (transaction, reply) = table.register::<u32>().unwrap();
    let short = Message {
        bytes: vec![ANSWERED, 1],
        rights: Vec::new(),
    };
    assert_eq!(table.complete(transaction, short), Ok(()));
    assert!(matches!(reply.wait(SHORT), Err(ReplyError::Decode(_))));
}

#[test]
fn a_callback_runs_with_the_reply_whenever_it_comes() {
    let table = PendingReplies::new();
    let (before, early) = table.register::<u32>().unwrap();
    let (after, late) = table.register::<u32>().unwrap();
    let (results, received) = mpsc::channel();
    responder::<u32>(&table, before).respond(1).unwrap();
    let sender = results.clone();
    early.then(move |value| sender.send(value.unwrap()).unwrap());
    late.then(move |value| results.send(value.unwrap()).unwrap());
    responder::<u32>(&table, after).respond(2).unwrap();
    assert_eq!(received.try_iter().collect::<Vec<_>>(), vec![1, 2]);
}

struct ThreadWaker(thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

#[test]
fn a_reply_can_be_awaited() {
    let table = PendingReplies::new();
    let (transaction, mut reply) = table.register::<u32>().unwrap();
    let answering = table.clone();
    let answerer = thread::spawn(move || {
        thread::sleep(SHORT);
        responder::<u32>(&answering, transaction)
            .respond(7)
            .unwrap();
    });
    let waker = Arc::new(ThreadWaker(thread::current())).into();
    let mut context = Context::from_waker(&waker);
    let value = loop {
        match Pin::new(&mut reply).poll(&mut context) {
            Poll::Ready(value) => break value,
            Poll::Pending => thread::park_timeout(LONG),
        }
    };
    answerer.join().unwrap();
    assert_eq!(value.unwrap(), 7);
}

#[test]
fn an_unencodable_answer_rejects_the_call() {
    #[derive(Debug)]
    struct Unencodable;
    impl MachMessage for Unencodable {
        const MIN_ENCODED_SIZE: usize = 0;
        fn encode(self, _: &mut wire::Encoder) -> Result<(), EncodeError> {
            Err(EncodeError::TooLong { len: u64::MAX })
        }
        fn decode(_: &mut wire::Decoder<'_>) -> Result<Self, DecodeError> {
            Ok(Unencodable)
        }
    }
    let table = PendingReplies::new();
    let (transaction, reply) = table.register::<Unencodable>().unwrap();
    assert!(
        responder::<Unencodable>(&table, transaction)
            .respond(Unencodable)
            .is_err()
    );
    assert!(matches!(
        reply.wait(SHORT),
        Err(ReplyError::ResponderDropped)
    ));
}
