#!/usr/bin/env bash
# thread-cpu.sh — how a command's CPU time splits between its threads, in `perf` samples (one per millisecond of CPU).
#
# Usage (a measurement tool, never run by CI):
#   Scripts/bench/thread-cpu.sh COMMAND [ARGUMENT…]
#   e.g. cd "$(mktemp -d)" && /work/main/Scripts/bench/thread-cpu.sh \
#            /work/main/.build-release/release/campaignctl import /work/bench/import/feed-100000.xml
#
# Prints one line per thread, in the order they were created (for `campaignctl import`: the main thread, which
# writes to SQLite, the write-out pacer, the reading thread, then the two validating threads): its samples and its
# share of the command's, then the wall time.
#
# Why: this host's speed drifts by a third within minutes, and in a slow minute every thread is slower alike. A
# thread's share of the samples moves much less than the totals do: three runs of one binary on 100,000 items gave
# 3,909 to 5,019 samples in all, and the validating threads 40.3 to 42.0 % of them. Compare shares over several runs
# of each binary, alternated.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: thread-cpu.sh COMMAND [ARGUMENT…]" >&2; exit 64; }
command -v perf > /dev/null || { echo "thread-cpu: perf is not installed" >&2; exit 69; }
DATA=$(mktemp /tmp/thread-cpu.XXXXXX)
trap 'rm -f "$DATA"' EXIT

start=$(date +%s.%N)
perf record -q -e cpu-clock -F 1000 -o "$DATA" -- "$@" > /dev/null 2>&1 || true
end=$(date +%s.%N)
perf script -i "$DATA" -F tid 2> /dev/null | sort -n | uniq -c |
    awk -v wall="$(echo "$end - $start" | bc)" '
        { tid[NR] = $2; samples[NR] = $1; total += $1 }
        END {
            for (i = 1; i <= NR; i++) {
                printf "thread %d (tid %s): %d samples, %.1f %%\n", i, tid[i], samples[i], 100 * samples[i] / total
            }
            printf "total %d samples, wall %.2f s\n", total, wall
        }'
