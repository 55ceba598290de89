#!/bin/sh
# Fills fuzz/corpus/<target>/ (ignored by git) with the repository's example
# policies, incidents and event logs and the test fixtures, plus the
# hand-written seeds in fuzz/seeds/<target>/. Run from anywhere; safe to rerun.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
fill() {
    target=$1
    shift
    mkdir -p "$root/fuzz/corpus/$target"
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$root/fuzz/corpus/$target/"
    done
    return 0
}
fill policy_text "$root"/examples/policies/*.zr "$root"/tests/fixtures/*/*.zr "$root"/fuzz/seeds/policy_text/*
fill incident_json "$root"/examples/incidents/*.json "$root"/tests/fixtures/incidents/*.json
fill event_log "$root"/examples/events/*.jsonl "$root"/tests/fixtures/events/*.jsonl
fill names_dates "$root"/fuzz/seeds/names_dates/*
