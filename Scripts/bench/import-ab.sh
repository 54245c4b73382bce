#!/usr/bin/env bash
# import-ab.sh — is one campaignctl binary's import faster than another's, on a host whose speed drifts?
#
# Usage (a measurement tool, never run by CI):
#   Scripts/bench/import-ab.sh FEED RUNS BINARY…
#   e.g. Scripts/bench/import-ab.sh /work/bench/import/feed-100000.xml 5 /work/bench/ctl-old .build-release/release/campaignctl
#
# This host's speed changes by a third within minutes, so two benches an hour apart cannot be compared. Each run here
# times `xmllint --stream --noout FEED`, then a first import of FEED by each binary in turn (in reverse order every
# other run), each into a fresh workspace, so that every binary meets the same minute. Per run it prints each binary's wall time, its ratio to that
# run's xmllint, its CPU time (user + system), the cores it used ((user + system) / wall), its peak RSS and its
# voluntary context switches (threads waiting on locks or queues); then the medians per binary.
# Generate feeds with Scripts/bench/import-bench.sh (or generate_feed.py). Exit status 65 of an import (some
# items rejected, the rest stored) counts as success, as in import-bench.sh.
set -euo pipefail

FEED=${1:?usage: import-ab.sh FEED RUNS BINARY…}
RUNS=${2:?usage: import-ab.sh FEED RUNS BINARY…}
shift 2
[[ $# -ge 1 ]] || { echo "import-ab: no binary given" >&2; exit 64; }
[[ -f $FEED ]] || { echo "import-ab: no feed at $FEED" >&2; exit 66; }
[[ -x /usr/bin/time ]] || { echo "import-ab: needs GNU time (apt-get install time)" >&2; exit 69; }
command -v xmllint > /dev/null || { echo "import-ab: needs xmllint (apt-get install libxml2-utils)" >&2; exit 69; }
unset CAMPAIGNCTL_DATABASE CAMPAIGNCTL_OUTBOX  # each workspace is ./campaignctl.sqlite in its directory

FEED=$(realpath "$FEED")
BINARIES=()
for binary in "$@"; do
    [[ -x $binary ]] || { echo "import-ab: not an executable: $binary" >&2; exit 66; }
    BINARIES+=("$(realpath "$binary")")
done
WORK=$(mktemp -d /tmp/import-ab.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
RESULTS=$WORK/results  # lines: binary-index wall ratio cpu

for run in $(seq "$RUNS"); do
    floor=$({ /usr/bin/time -f %e xmllint --stream --noout "$FEED"; } 2>&1 | tail -1)
    line="run $run: xmllint $floor s"
    # Every other run takes the binaries in reverse order: the host's speed drifts within a run too, and in a fixed
    # order the drift would favour one binary (stop 18's runs had the newer binary second each time).
    order=("${!BINARIES[@]}")
    if ((run % 2 == 0)); then
        order=()
        for ((i = ${#BINARIES[@]} - 1; i >= 0; i--)); do
            order+=("$i")
        done
    fi
    for index in "${order[@]}"; do
        binary=${BINARIES[$index]}
        workspace=$WORK/workspace-$index
        rm -rf "$workspace"
        mkdir -p "$workspace"
        (cd "$workspace" && "$binary" init --brand Bench --domain bench.example > init.log 2>&1)
        status=0
        (cd "$workspace" && /usr/bin/time -f '%e %U %S %M %w' -o time.txt "$binary" import "$FEED" --catalog bench \
            > import.log 2>&1) || status=$?
        if [[ $status -ne 0 && $status -ne 65 ]]; then
            echo "import-ab: $binary exited $status; see $workspace/import.log" >&2
            trap - EXIT
            exit 1
        fi
        read -r wall user system rss waits < <(tail -1 "$workspace/time.txt")
        read -r ratio cpu cores < <(awk -v w="$wall" -v u="$user" -v s="$system" -v f="$floor" \
            'BEGIN {printf "%.2f %.2f %.2f\n", w / f, u + s, (u + s) / w}')
        echo "$index $wall $ratio $cpu" >> "$RESULTS"
        line="$line | $(basename "$binary"): $wall s, ${ratio}×, cpu $cpu s, $cores cores, $((rss / 1024)) MiB, $waits waits"
    done
    echo "$line"
done

echo "medians over $RUNS runs:"
for index in "${!BINARIES[@]}"; do
    median() { awk -v i="$index" -v c="$1" '$1 == i {print $c}' "$RESULTS" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
    echo "  $(basename "${BINARIES[$index]}") (${BINARIES[$index]}): wall $(median 2) s, ratio $(median 3)×, cpu $(median 4) s"
done
