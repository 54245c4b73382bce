#!/usr/bin/env bash
# The main job on the sample brand (Samples/maison-lumiere): sets up what is missing, builds, then runs
# import → diagnostics → next day's import with its diff, in a fresh ./demo folder.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh
swift build --product campaignctl 2>&1 | tail -1 >&2
ctl="$PWD/.build/debug/campaignctl"
samples="../Samples/maison-lumiere"

rm -rf demo && mkdir demo && cd demo
export CAMPAIGNCTL_DATABASE="$PWD/campaignctl.sqlite"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
# Runs a step that is expected to exit with the given status (the samples contain deliberate errors).
expect() {
    local want=$1; shift
    step "campaignctl $*"
    set +e; "$ctl" "$@"; local got=$?; set -e
    if [ "$got" -ne "$want" ]; then echo "demo: expected exit $want, got $got" >&2; exit 1; fi
    [ "$want" -eq 0 ] || echo "(exit $got, as expected: the sample feed has deliberate errors)"
}

expect 65 import "$samples/catalog-day1.xml" --catalog maison-lumiere
expect 0 catalog diagnostics --catalog maison-lumiere
expect 0 catalog products --catalog maison-lumiere --limit 5
expect 65 import "$samples/catalog-day2.xml" --catalog maison-lumiere
expect 0 catalog product ML-COU-LIN-45-TER --catalog maison-lumiere
expect 0 catalog history
