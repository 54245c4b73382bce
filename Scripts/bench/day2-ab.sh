#!/usr/bin/env bash
# day2-ab.sh — is one campaignctl binary's re-import faster than another's, on a host whose speed drifts?
#
# Usage (a measurement tool, never run by CI):
#   Scripts/bench/day2-ab.sh SIZE RUNS BINARY…
#   e.g. Scripts/bench/day2-ab.sh 100000 6 /work/bench/ctl-old .build-release/release/campaignctl
#
# For each run and each binary in turn (in reverse order every other run): a first import of
# $BENCH_DIR/feed-SIZE.xml into a fresh workspace, then the day-2 feed ($BENCH_DIR/feed-SIZE-day2.xml, made by
# import-bench.sh or generate_feed.py). Prints per import its wall, user and system seconds. Exit status 65 of an
# import (some items rejected, the rest stored) counts as success, as in import-bench.sh.
#
# SPACED=1 uses copies of both feeds that write availability the way Google's own example feed does ("in stock"):
# about 92 % of the items then have a warning (noncanonical_value), as many real feeds do. The copies are made once,
# next to the feeds (spaced-feed-SIZE.xml, spaced-feed-SIZE-day2.xml).
set -euo pipefail

[[ $# -ge 3 ]] || { echo "usage: day2-ab.sh SIZE RUNS BINARY…" >&2; exit 64; }
SIZE=$1
RUNS=$2
shift 2
BENCH_DIR=${BENCH_DIR:-/work/bench/import}
FEED=$BENCH_DIR/feed-$SIZE.xml
DAY2=$BENCH_DIR/feed-$SIZE-day2.xml
for file in "$FEED" "$DAY2"; do
    [[ -f $file ]] || { echo "day2-ab: no feed at $file" >&2; exit 66; }
done
if [[ ${SPACED:-0} == 1 ]]; then
    for file in "$FEED" "$DAY2"; do
        spaced=$BENCH_DIR/spaced-$(basename "$file")
        if [[ ! -f $spaced || $spaced -ot $file ]]; then
            sed 's#<g:availability>in_stock</g:availability>#<g:availability>in stock</g:availability>#' "$file" \
                > "$spaced.tmp" && mv "$spaced.tmp" "$spaced"
        fi
    done
    FEED=$BENCH_DIR/spaced-feed-$SIZE.xml
    DAY2=$BENCH_DIR/spaced-feed-$SIZE-day2.xml
fi
binaries=()
for binary in "$@"; do
    binaries+=("$(realpath "$binary")")
done

timed() {
    local out=$1
    shift
    local status=0
    /usr/bin/time -f '%e %U %S' -o "$out" "$@" > /dev/null 2>&1 || status=$?
    if [[ $status -ne 0 && $status -ne 65 ]]; then
        echo "day2-ab: $* exited $status" >&2
        exit 1
    fi
}

for run in $(seq "$RUNS"); do
    order=("${binaries[@]}")
    if ((run % 2 == 0)); then
        mapfile -t order < <(printf '%s\n' "${binaries[@]}" | tac)
    fi
    for binary in "${order[@]}"; do
        workspace=$(mktemp -d /tmp/day2-ab.XXXXXX)
        (
            cd "$workspace"
            timed first.txt "$binary" import "$FEED"
            timed day2.txt "$binary" import "$DAY2"
            # /usr/bin/time writes "Command exited with non-zero status 65" first when an import rejects items.
            read -r wall user sys < <(tail -1 first.txt)
            read -r wall2 user2 sys2 < <(tail -1 day2.txt)
            echo "run $run $(basename "$binary"): first $wall s ($user user, $sys sys), day-2 $wall2 s ($user2 user, $sys2 sys)"
        )
        rm -rf "$workspace"
    done
done
