#!/usr/bin/env bash
# The whole test suite: every crate, unit, integration, snapshot and doc tests.
# Snapshots are checked, never written (INSTA_UPDATE=no).
set -euo pipefail
cd "$(dirname "$0")/.."
export INSTA_UPDATE="${INSTA_UPDATE:-no}"
cargo test --workspace --all-targets
cargo test --workspace --doc
