#!/usr/bin/env bash
# import-bench.sh — how fast is `campaignctl import` compared with just parsing the feed?
#
# Usage (from anywhere; a benchmark, never run by CI):
#   Scripts/bench/import-bench.sh
#   SIZES="20000" CAMPAIGNCTL=.build-release/release/campaignctl Scripts/bench/import-bench.sh
#
# Environment:
#   CAMPAIGNCTL  a prebuilt campaignctl binary; unset: build it with
#                `swift build -c release --product campaignctl --scratch-path .build-release`
#   BENCH_DIR    work directory for feeds, workspaces and logs (default /work/bench/import)
#   SIZES        feed sizes in items (default "100000 1000000")
#   SEED         generator seed (default 42)
#   RUNS         runs per measurement, of which the median is reported (default 3)
#   PG           "1": also import into PostgreSQL (team mode), on a throwaway cluster under $BENCH_DIR/pg
#                (Scripts/pg-test-cluster.sh), or on the server PG_URL names; PG_RUNS runs (default 1)
#
# For each size N it generates (or reuses) a feed with Scripts/bench/generate_feed.py and its day-2
# feed (2 % changed), then times, each as the median of 3 runs, each run in this order:
#   - the floor: `xmllint --stream --noout FEED`;
#   - a first import into a fresh workspace: `campaignctl import FEED --catalog bench`;
#   - in that workspace, the day-2 re-import. The feeds contain
# 0.5 % broken items, so an import exits 65 (valid items stored): 65 is success here, anything else
# a failure. Besides the ratio of the medians, the table gives the paired ratio: the median of each run's import time
# over the xmllint time measured just before it, in the same minute of this drifting host. A line under the table
# gives the median CPU time (user + system) of xmllint and of the import, and their ratio: how much work the import
# does for the same file, whatever the number of cores.
# The Markdown table goes to stdout and to $BENCH_DIR/results.md; progress goes to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/work/bench/import}
SIZES=${SIZES:-"100000 1000000"}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
GENERATOR=$ROOT/Scripts/bench/generate_feed.py
unset CAMPAIGNCTL_DATABASE CAMPAIGNCTL_OUTBOX  # each workspace is ./campaignctl.sqlite in its directory

log() { echo "import-bench: $*" >&2; }

if [[ -z ${CAMPAIGNCTL:-} ]]; then
    log "building the release CLI (a few minutes)"
    (cd "$ROOT" && swift build -c release --product campaignctl --scratch-path .build-release) >&2
    CAMPAIGNCTL=$ROOT/.build-release/release/campaignctl
fi
CAMPAIGNCTL=$(realpath "$CAMPAIGNCTL")  # workspaces are entered with cd
[[ -x $CAMPAIGNCTL ]] || { log "not executable: $CAMPAIGNCTL"; exit 1; }
command -v xmllint >/dev/null || { log "xmllint is missing (apt-get install libxml2-utils)"; exit 1; }

# GNU time gives the peak RSS; without it, bash's `time` gives the wall time only.
if [[ ! -x /usr/bin/time && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing GNU time"
    apt-get install -y -qq time >&2 || { apt-get update -qq >&2 && apt-get install -y -qq time >&2; } || true
fi
[[ -x /usr/bin/time ]] && GNU_TIME=1 || { GNU_TIME=0; log "no /usr/bin/time: peak RSS will be n/a"; }

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(realpath "$BENCH_DIR")

# gen FILE ARGS…: runs the generator unless FILE exists and was made with the same arguments
# (kept in FILE.args, with the generator's hash).
gen() {
    local out=$1; shift
    local want; want="$* | $(sha256sum "$GENERATOR" | cut -d' ' -f1)"
    if [[ -f $out && -f $out.args && $(<"$out.args") == "$want" ]]; then return; fi
    log "generating $out"
    rm -f "$out.args"
    python3 "$GENERATOR" "$@" --out "$out" >&2
    echo "$want" >"$out.args"
}

# shellcheck source=steal.sh
source "$ROOT/Scripts/bench/steal.sh"
STEALS=()

# measure LOG CMD…: runs CMD with its output in LOG; sets WALL (s), CPU (user + system s, or n/a), RSS (KiB or n/a)
# and RC, and appends the hypervisor's steal (% of CPU time) during the run to STEALS.
measure() {
    local out=$1; shift
    local times=$BENCH_DIR/.time
    local before after
    before=$(cpu_ticks)
    RC=0
    if ((GNU_TIME)); then
        /usr/bin/time -f '%e %M %U %S' -o "$times" "$@" >"$out" 2>&1 || RC=$?
        local user system
        read -r WALL RSS user system < <(tail -n1 "$times")  # GNU time may prepend "Command exited with …"
        CPU=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
    else
        { TIMEFORMAT=%R; time "$@" >"$out" 2>&1; } 2>"$times" || RC=$?
        WALL=$(tail -n1 "$times") RSS=n/a CPU=n/a
    fi
    after=$(cpu_ticks)
    STEALS+=("$(steal_percent "$before" "$after")")
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
maxof() { printf '%s\n' "$@" | sort -g | tail -n1; }
mib() { [[ $1 == n/a ]] && echo n/a || awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
div() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { if (b > 0) printf f, a / b; else print "n/a" }'; }

# import_feed WORKSPACE FEED LOG: one timed import; exit 65 (items rejected, valid ones stored) is success.
import_feed() {
    cd "$1"
    measure "$3" "$CAMPAIGNCTL" import "$2" --catalog bench
    cd "$ROOT"
    if [[ $RC != 65 ]]; then
        log "import of $2 exited $RC (expected 65); last lines of $3:"
        tail -n 20 "$3" >&2
        exit 1
    fi
}

PG=${PG:-0}
PG_RUNS=${PG_RUNS:-1}
if [[ $PG == 1 && -z ${PG_URL:-} ]]; then
    # Durable like a real server (fsync on), unlike the test cluster.
    PG_URL=$(PG_TEST_OPTIONS="-c fsync=on" "$ROOT/Scripts/pg-test-cluster.sh" start "$BENCH_DIR/pg")
    trap '"$ROOT/Scripts/pg-test-cluster.sh" stop "$BENCH_DIR/pg"' EXIT
fi
pg_sep() { [[ $1 == *\?* ]] && echo "&" || echo "?"; }

rows=() floor_rss=() every_run=() cpu_notes=()
for n in $SIZES; do
    feed=$BENCH_DIR/feed-$n.xml day2=$BENCH_DIR/feed-$n-day2.xml
    gen "$feed" --items "$n" --seed "$SEED"
    gen "$day2" --items "$n" --day2-of-seed "$SEED" --change-rate 0.02

    # Each run times the floor right before the import, so that both see the same host (whose speed drifts by a
    # third within an hour).
    log "N=$n: ×$RUNS: xmllint --stream, then campaignctl import into a fresh workspace, then the day-2 re-import"
    floor_walls=() floor_rsss=() walls=() rsss=() day2_walls=() run_ratios=() floor_cpus=() cpus=()
    for ((r = 1; r <= RUNS; r++)); do
        measure "$BENCH_DIR/xmllint-$n.log" xmllint --stream --noout "$feed"
        ((RC == 0)) || { log "xmllint failed on $feed"; cat "$BENCH_DIR/xmllint-$n.log" >&2; exit 1; }
        floor_walls+=("$WALL") floor_rsss+=("$RSS") floor_cpus+=("$CPU")
        ws=$BENCH_DIR/ws-$n-$r
        rm -rf "$ws" && mkdir -p "$ws"
        (cd "$ws" && "$CAMPAIGNCTL" init --brand Bench --domain bench.example >init.log 2>&1)
        import_feed "$ws" "$feed" "$ws/import.log"
        walls+=("$WALL") rsss+=("$RSS") cpus+=("$CPU") run_ratios+=("$(div "$WALL" "${floor_walls[-1]}" %.3f)")
        import_feed "$ws" "$day2" "$ws/import-day2.log"
        day2_walls+=("$WALL") rsss+=("$RSS")
        # The workspace's 1.8 GB (at a million items) would stay in the page cache until the next bench deletes it:
        # with the cache full, every page the next import writes first takes one back from it (kernel time on the
        # writing thread: about 2.6 s of a million-item import, against 0.7 s with memory free). The logs stay.
        rm -f "$ws"/campaignctl.sqlite*
    done
    floor=$(median "${floor_walls[@]}")
    floor_rss+=("$n items: $(mib "$(maxof "${floor_rsss[@]}")")")
    wall=$(median "${walls[@]}")
    rss=$(mib "$(maxof "${rsss[@]}")")
    day2_wall=$(median "${day2_walls[@]}")
    every_run+=("$n items: xmllint ${floor_walls[*]}; import ${walls[*]}; day-2 ${day2_walls[*]}")
    if [[ ${cpus[0]} != n/a ]]; then
        floor_cpu=$(median "${floor_cpus[@]}") cpu=$(median "${cpus[@]}")
        cpu_notes+=("$n items: xmllint $floor_cpu s, import $cpu s ($(div "$cpu" "$floor_cpu" %.1f)×)")
    fi

    pg_cells=""
    if [[ $PG == 1 ]]; then
        log "N=$n: campaignctl import into PostgreSQL ×$PG_RUNS, fresh schemas, each followed by the day-2 re-import"
        pg_walls=() pg_day2=()
        for ((r = 1; r <= PG_RUNS; r++)); do
            ws=$BENCH_DIR/pg-ws-$n-$r
            rm -rf "$ws" && mkdir -p "$ws"
            export CAMPAIGNCTL_DATABASE="$PG_URL$(pg_sep "$PG_URL")schema=bench_${n}_${r}_$$"
            (cd "$ws" && "$CAMPAIGNCTL" init --brand Bench --domain bench.example >init.log 2>&1)
            import_feed "$ws" "$feed" "$ws/import.log"
            pg_walls+=("$WALL") rsss+=("$RSS")
            import_feed "$ws" "$day2" "$ws/import-day2.log"
            pg_day2+=("$WALL")
            unset CAMPAIGNCTL_DATABASE
        done
        pg_wall=$(median "${pg_walls[@]}")
        pg_cells=" $pg_wall | $(div "$pg_wall" "$wall" %.1f) | $(median "${pg_day2[@]}") |"
    fi

    mb=$(awk -v b="$(stat -c %s "$feed")" 'BEGIN { printf "%.1f", b / 1e6 }')
    paired=$(awk -v r="$(median "${run_ratios[@]}")" 'BEGIN { printf "%.1f", r }')
    rows+=("| $n | $mb | $floor | $wall | $(div "$wall" "$floor" %.1f) | $paired | $(div "$n" "$wall" %.0f) | $(div "$mb" "$wall" %.1f) | $rss | $day2_wall |$pg_cells")
done

{
    if [[ $PG == 1 ]]; then
        echo "| items | feed MB | xmllint --stream s | import s | ratio | paired ratio | items/s | MB/s | peak RSS MiB | day-2 re-import s |" \
            "PostgreSQL import s | PG / SQLite | PG day-2 s |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    else
        echo "| items | feed MB | xmllint --stream s | import s | ratio | paired ratio | items/s | MB/s | peak RSS MiB | day-2 re-import s |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    fi
    printf '%s\n' "${rows[@]}"
    echo
    echo "Median of $RUNS runs (first imports in fresh workspaces, then the day-2 feed in each); ratio = import /" \
        "xmllint (their medians); paired ratio = the median of each run's import / the xmllint run just before it" \
        "(this host's speed drifts within minutes: each pair shares its minute); peak RSS = max over all imports." \
        "xmllint --stream peak RSS MiB (max of runs): ${floor_rss[*]}."
    echo "Every run, in order (s): $(printf '%s. ' "${every_run[@]}")"
    ((${#cpu_notes[@]})) && echo "CPU time (user + system, median of the runs): $(printf '%s; ' "${cpu_notes[@]}")the" \
        "import's threads share the machine's cores, so its wall time can be below its CPU time."
    [[ $PG == 1 ]] && echo "PostgreSQL: median of $PG_RUNS run(s) into fresh schemas of PostgreSQL $(psql --version 2>/dev/null |
        awk '{ print $3 }') on loopback (default durability: fsync and synchronous_commit on), same feeds, same binary."
    echo "Hypervisor steal during the runs (% of CPU time, max $(maxof "${STEALS[@]}")): ${STEALS[*]}; high values mean" \
        "runs slowed by other guests, not by the program."
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//');" \
        "$(date -u '+%Y-%m-%d %H:%M UTC'); $( (swift --version 2>&1 || echo 'swift n/a') | awk 'NR == 1')."
} | tee "$BENCH_DIR/results.md"
