#!/usr/bin/env bash
# thread-states.sh — which of a command's threads are running, waiting for a core, or sleeping, over its whole run.
#
# Usage (a measurement tool, never run by CI):
#   Scripts/bench/thread-states.sh COMMAND [ARGUMENT…]
#   e.g. cd "$(mktemp -d)" && /work/main/Scripts/bench/thread-states.sh \
#            /work/main/.build-release/release/campaignctl import /work/bench/import/feed-1000000.xml
#
# Samples /proc/PID/task/*/stat every 100 ms while COMMAND runs and prints, per thread, the share of samples in which
# it was runnable (R: running or waiting for a core), sleeping (S: waiting on a queue, a lock or a timer) or in
# uninterruptible disk wait (D). A thread runnable in nearly every sample is the one the others wait for; when more
# threads are runnable than there are cores, wall time is about the total CPU time divided by the cores.
# Threads are listed in the order they were created (lowest id first). For `campaignctl import`: the main thread
# (which writes to SQLite), the write-out pacer, the reading thread, then the two validating threads.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: thread-states.sh COMMAND [ARGUMENT…]" >&2; exit 64; }
SAMPLES=$(mktemp /tmp/thread-states.XXXXXX)
trap 'rm -f "$SAMPLES"' EXIT

"$@" > /dev/null 2>&1 &
pid=$!
while kill -0 "$pid" 2> /dev/null; do
    for task in /proc/"$pid"/task/*; do
        # The state is the field after the command name, which is in parentheses and may hold spaces.
        stat=$(cat "$task/stat" 2> /dev/null) || continue
        state=${stat##*) }
        echo "${task##*/} ${state%% *}" >> "$SAMPLES"
    done
    sleep 0.1
done
status=0
wait "$pid" || status=$?

echo "thread   samples   runnable %   sleeping %   disk wait %"
awk '
    { total[$1]++; count[$1, $2]++ }
    END {
        for (tid in total) {
            if (total[tid] < 5) continue  # threads that lived less than half a second
            printf "%-8s %7d %12.0f %12.0f %13.0f\n", tid, total[tid],
                100 * count[tid, "R"] / total[tid], 100 * count[tid, "S"] / total[tid], 100 * count[tid, "D"] / total[tid]
        }
    }' "$SAMPLES" | sort -n
echo "exit status of the command: $status"
