#!/usr/bin/env bash
# callgrind-import.sh — instructions executed by each thread of `campaignctl import`, which, unlike wall time,
# do not depend on this host's load (its speed varies by a third from one hour to the next).
#
# Usage (a measurement tool, never run by CI):
#   Scripts/bench/callgrind-import.sh BINARY [FEED]
#   FEED defaults to $BENCH_DIR/feed-5000.xml (BENCH_DIR: /work/bench/import; generate_feed.py makes it).
#   BASE_FEED=FILE imports FILE first (outside valgrind), so that the import profiled is a re-import, e.g.
#   BASE_FEED=$BENCH_DIR/feed-5000.xml Scripts/bench/callgrind-import.sh BINARY $BENCH_DIR/feed-5000-day2.xml
#
# Prints one line per thread: the callgrind file, all instructions, those of SHA-256 and the rest. Valgrind runs
# BoringSSL's AVX code for SHA-256, where the machine itself uses the SHA extensions (several times faster), so
# compare the rest. The two validating threads share the validation work: add their lines. Inspect a thread with
# `callgrind_annotate <file>`.
#
# Valgrind 3.19 dies with an internal error when the process exits (in libdispatch's signal thread), before it
# writes its profile, so each thread's counts are dumped when its part of the import returns: the reading and
# validating threads' loops (ImportPipeline.read / validate(lane:)) and the writer's transaction (runImport's closure
# over the SQLConnection, whichever number the compiler gives it).
set -euo pipefail

BINARY=${1:?usage: callgrind-import.sh BINARY [FEED]}
BENCH_DIR=${BENCH_DIR:-/work/bench/import}
FEED=${2:-$BENCH_DIR/feed-5000.xml}
WORK=$(mktemp -d /tmp/callgrind-import.XXXXXX)

command -v valgrind > /dev/null || { echo "callgrind-import: valgrind is not installed" >&2; exit 69; }
[[ -f $FEED ]] || { echo "callgrind-import: no feed at $FEED" >&2; exit 66; }

# Without debug information valgrind starts in seconds instead of minutes; symbols stay.
strip --strip-debug -o "$WORK/campaignctl" "$BINARY"
(
    cd "$WORK"
    if [[ -n ${BASE_FEED:-} ]]; then
        "$WORK/campaignctl" import --database "$WORK/workspace.sqlite" "$BASE_FEED" > /dev/null 2>&1 || [[ $? -eq 65 ]]
    fi
    valgrind --tool=callgrind --separate-threads=yes \
        --dump-after='*ImportPipelineC8validate33_*LL4laneySi_tF' \
        --dump-after='*ImportPipelineC4read33_*LLyyF' \
        --dump-after='*runImport*SQLConnection_pKXEfU*_' \
        --callgrind-out-file="$WORK/callgrind.out" \
        "$WORK/campaignctl" import --database "$WORK/workspace.sqlite" "$FEED" > "$WORK/stdout" 2> "$WORK/stderr" || true
)
shopt -s nullglob
files=("$WORK"/callgrind.out.*)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "callgrind-import: valgrind wrote no profile; see $WORK/stderr" >&2
    exit 70
fi
for file in "${files[@]}"; do
    total=$(awk '/^totals:/ {print $2}' "$file")
    # awk reads to the end: quitting early would kill callgrind_annotate with SIGPIPE (and this script, pipefail).
    sha=$(callgrind_annotate "$file" 2> /dev/null | awk '/sha256_block_data_order/ && !found {gsub(",", "", $1); print $1; found = 1}')
    sha=${sha:-0}
    echo "$file total=$total sha256=$sha rest=$((total - sha))"
done
