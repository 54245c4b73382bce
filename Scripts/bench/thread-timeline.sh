#!/usr/bin/env bash
# thread-timeline.sh — how busy each of a command's threads is, interval by interval, over its whole run.
#
# Usage (a measurement tool, never run by CI):
#   Scripts/bench/thread-timeline.sh [-i SECONDS] COMMAND [ARGUMENT…]
#   e.g. cd "$(mktemp -d)" && campaignctl import feed-1000000.xml > /dev/null &&
#        /work/main/Scripts/bench/thread-timeline.sh -i 1 campaignctl import feed-1000000-day2.xml
#
# Samples the command with `perf record -e cpu-clock` at 1,000 Hz and prints one line per interval (default 0.1 s):
# for each thread, in the order they first ran, the share of that interval it was on a core (100 = a whole core).
# Where one thread stays at 100 while the others are below, it is the one they wait for; where a single thread runs
# alone, the other core is idle (at the end of an import: its single-threaded finish and commit). For
# `campaignctl import`: the main thread (which writes to SQLite), the reading thread, the validating threads, the
# file's hashing thread and the write-out pacer.
set -euo pipefail

interval=0.1
if [[ ${1:-} == -i ]]; then
    interval=$2
    shift 2
fi
[[ $# -ge 1 ]] || { echo "usage: thread-timeline.sh [-i SECONDS] COMMAND [ARGUMENT…]" >&2; exit 64; }
command -v perf > /dev/null || { echo "thread-timeline: perf is not installed" >&2; exit 69; }
DATA=$(mktemp /tmp/thread-timeline.XXXXXX)
trap 'rm -f "$DATA"' EXIT

perf record -q -e cpu-clock -F 1000 -o "$DATA" -- "$@" > /dev/null 2>&1 || true
perf script -i "$DATA" -F tid,time 2> /dev/null | python3 -c '
import collections, sys
interval = float(sys.argv[1])
samples = []
for line in sys.stdin:
    fields = line.split()
    if len(fields) >= 2:
        samples.append((float(fields[1].rstrip(":")), fields[0]))
if not samples:
    sys.exit("thread-timeline: no samples")
start = samples[0][0]
threads = list(dict.fromkeys(tid for _, tid in samples))
buckets = collections.defaultdict(collections.Counter)
for time, tid in samples:
    buckets[int((time - start) / interval)][tid] += 1
per_interval = 1000 * interval
print("seconds " + " ".join(f"{tid:>7}" for tid in threads))
for bucket in sorted(buckets):
    shares = " ".join(f"{100 * buckets[bucket][tid] / per_interval:7.0f}" for tid in threads)
    print(f"{bucket * interval:7.1f} {shares}")
' "$interval"
