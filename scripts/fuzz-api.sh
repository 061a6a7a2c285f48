#!/usr/bin/env bash
# The long API fuzz: every route × every caller (each role, the partner key, the ingest key, no session), valid,
# boundary and hostile inputs from the routes' own schemas, against a real server on SQLite or PostgreSQL.
#   scripts/fuzz-api.sh [--seed N] [--rounds N] [--budget-s S] [--dialect sqlite|postgres] [--timeout-ms MS]
#                       [--routes REGEX] [--json FILE] [--trace FILE.jsonl]
# Defaults: a seed from the clock (printed: rerun with it to reproduce), 100 rounds, at most an hour, SQLite.
# Exit status 1 when something was found (5xx, hang, forbidden 2xx, invalid request accepted, refusal that changed the store).
set -euo pipefail
cd "$(dirname "$0")/.."
export ARGUS_ASSETS="${ARGUS_ASSETS:-$(pwd)/../shared/assets}"
exec node --import tsx src/server/testing/fuzz/cli.ts "$@"
