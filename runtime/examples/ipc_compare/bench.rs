//! The driver: starts the children, measures every row pinned and unpinned,
//! prints the table and writes it as JSON.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::common::{
    Parent, ROLE_VAR, Row, affinity, pin_child_if_asked, pin_to_cpu0, set_affinity,
};
use crate::{ipc, ours, raw};

/// Names the rows to measure (all when unset).
const ROWS_VAR: &str = "IPC_COMPARE_ROWS";
/// Timed repetitions per figure (after a calibrating warm-up).
const REPS: usize = 7;
/// How long one timed repetition should take.
const TARGET: Duration = Duration::from_millis(200);
/// The warm-up grows its operation count until one run takes this long.
const CALIBRATE: Duration = Duration::from_millis(20);

/// Runs `n` operations and returns how long they took.
type Runner<'a> = Box<dyn FnMut(u64) -> io::Result<Duration> + 'a>;

/// One line of the table.
#[derive(Debug, Serialize)]
struct Record {
    name: &'static str,
    pinned: bool,
    ours_ns: Option<f64>,
    raw_ns: Option<f64>,
    ipc_channel_ns: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Report {
    rows: Vec<Record>,
}

pub(crate) fn main() -> io::Result<()> {
    if let Ok(role) = std::env::var(ROLE_VAR) {
        pin_child_if_asked()?;
        return match role.as_str() {
            "ours" => ours::child(),
            "raw" => raw::child(),
            "ipc" => ipc::child(),
            other => Err(io::Error::other(format!("unknown role `{other}`"))),
        };
    }
    let everywhere = affinity()?;
    let started = Instant::now();
    let mut rows = Vec::new();
    for pinned in [true, false] {
        if pinned {
            pin_to_cpu0()?;
        } else {
            set_affinity(&everywhere)?;
        }
        let mut peers: Vec<Box<dyn Parent>> = vec![
            ours::spawn(pinned)?,
            raw::spawn(pinned)?,
            ipc::spawn(pinned)?,
        ];
        for row in Row::ALL.into_iter().filter(|row| wanted(row.name())) {
            let runners = peers
                .iter_mut()
                .map(|peer| {
                    peer.supports(row)
                        .then(|| Box::new(move |n| peer.run(row, n)) as Runner<'_>)
                })
                .collect();
            rows.push(record(row.name(), pinned, measure(runners)?));
        }
        if wanted("port_create") {
            let runners: Vec<Option<Runner<'_>>> = vec![
                Some(Box::new(ours::port_create)),
                Some(Box::new(raw::port_create)),
                Some(Box::new(ipc::port_create)),
            ];
            rows.push(record("port_create", pinned, measure(runners)?));
        }
        for peer in peers {
            peer.finish()?;
        }
    }
    set_affinity(&everywhere)?;
    eprintln!("measured in {:.1} s", started.elapsed().as_secs_f64());

    print_table(&rows);
    let path = target_dir().join("ipc_compare.json");
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    let json = serde_json::to_string_pretty(&Report { rows }).map_err(io::Error::other)?;
    std::fs::write(&path, json + "\n")?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Whether row `name` is measured: all of them, or those named in
/// `IPC_COMPARE_ROWS` (comma-separated), to look at a few quickly.
fn wanted(name: &str) -> bool {
    match std::env::var(ROWS_VAR) {
        Ok(rows) => rows.split(',').any(|row| row.trim() == name),
        Err(_) => true,
    }
}

fn record(name: &'static str, pinned: bool, figures: Vec<Option<f64>>) -> Record {
    let record = Record {
        name,
        pinned,
        ours_ns: figures[0],
        raw_ns: figures[1],
        ipc_channel_ns: figures[2],
    };
    eprintln!(
        "{name} pinned={pinned}: ours {} raw {} ipc-channel {}",
        show(record.ours_ns),
        show(record.raw_ns),
        show(record.ipc_channel_ns)
    );
    record
}

/// The median ns per operation of each runner (`None` where there is no
/// runner). Repetitions are interleaved across runners, so that drift in
/// the machine's speed affects all of them alike.
fn measure(mut runners: Vec<Option<Runner<'_>>>) -> io::Result<Vec<Option<f64>>> {
    let mut counts = Vec::new();
    for runner in &mut runners {
        counts.push(match runner {
            Some(run) => Some(calibrate(run)?),
            None => None,
        });
    }
    let mut samples = vec![Vec::with_capacity(REPS); runners.len()];
    for _ in 0..REPS {
        for ((runner, count), samples) in runners.iter_mut().zip(&counts).zip(&mut samples) {
            if let (Some(run), Some(n)) = (runner, *count) {
                samples.push(run(n)?.as_nanos() as f64 / n as f64);
            }
        }
    }
    Ok(samples.into_iter().map(median).collect())
}

/// Warms up, growing the operation count until a run takes `CALIBRATE`,
/// and returns the count that takes about `TARGET`.
fn calibrate(run: &mut Runner<'_>) -> io::Result<u64> {
    const MAX: u64 = 1 << 24;
    let mut n = 4;
    loop {
        let took = run(n)?;
        if took >= CALIBRATE || n >= MAX {
            let per_op = took.as_secs_f64() / n as f64;
            return Ok(((TARGET.as_secs_f64() / per_op) as u64).clamp(8, MAX));
        }
        n *= 4;
    }
}

fn median(mut samples: Vec<f64>) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    Some((median * 10.0).round() / 10.0)
}

fn show(ns: Option<f64>) -> String {
    ns.map_or_else(|| "n/a".to_string(), |ns| format!("{ns:.0}"))
}

fn ratio(ours: Option<f64>, other: Option<f64>) -> String {
    match (ours, other) {
        (Some(ours), Some(other)) if other > 0.0 => format!("{:.2}", ours / other),
        _ => "n/a".to_string(),
    }
}

fn print_table(rows: &[Record]) {
    println!(
        "{:<20} {:<6} {:>10} {:>10} {:>14} {:>9} {:>16}",
        "name", "pinned", "ours_ns", "raw_ns", "ipc_channel_ns", "ours/raw", "ours/ipc_channel"
    );
    for r in rows {
        println!(
            "{:<20} {:<6} {:>10} {:>10} {:>14} {:>9} {:>16}",
            r.name,
            r.pinned,
            show(r.ours_ns),
            show(r.raw_ns),
            show(r.ipc_channel_ns),
            ratio(r.ours_ns, r.raw_ns),
            ratio(r.ours_ns, r.ipc_channel_ns),
        );
    }
}

/// `CARGO_TARGET_DIR` if set, else the workspace's `target/`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap_or(Path::new("."))
            .join("target"),
    }
}
