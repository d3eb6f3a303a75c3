#!/usr/bin/env bash
# The whole test suite: every crate, unit, integration, snapshot and doc tests.
# Snapshots are checked, never written (INSTA_UPDATE=no).
set -euo pipefail
cd "$(dirname "$0")/.."
export INSTA_UPDATE="${INSTA_UPDATE:-no}"
cargo test --workspace --all-targets
cargo test --workspace --doc
# The runtime again with the Mach backend active, over the Mach simulator:
# the same platform test suite, plus the simulator's conformance tests.
cargo test -p machproto-runtime --features mach-sim --all-targets
# Generated protocol code end to end over the Mach backend, too.
cargo test -p machproto-tests --features mach-sim --test generated_actors --test generated_tree --test managed_endpoints --test generated_rights --test include_protocol --test generated_bridge --test every_protocol
