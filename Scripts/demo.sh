#!/usr/bin/env bash
# The main job on the sample brand (Samples/maison-lumiere): sets up what is missing, builds, then runs
# init → import → campaigns (validate, create, preview) → next day's import → campaign update and diff,
# in a fresh ./demo folder.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh
swift build --product campaignctl 2>&1 | tail -1 >&2
ctl="$PWD/.build/debug/campaignctl"
samples="../Samples/maison-lumiere"

rm -rf demo && mkdir demo && cd demo
export CAMPAIGNCTL_DATABASE="$PWD/campaignctl.sqlite"

step() { printf '\n\033[1m$ campaignctl %s\033[0m\n' "$*"; }
# Runs a step that must exit with the given status (the samples contain deliberate errors).
expect() {
    local want=$1; shift
    step "$*"
    set +e; "$ctl" "$@"; local got=$?; set -e
    if [ "$got" -ne "$want" ]; then echo "demo: expected exit $want, got $got" >&2; exit 1; fi
    [ "$want" -eq 0 ] || echo "(exit $got, as expected: the sample has deliberate errors)"
}

# 1. The brand's workspace and its catalog.
expect 0 init --brand "Maison Lumière" --domain maison-lumiere.fr
expect 65 import "$samples/catalog-day1.xml" --catalog maison-lumiere
expect 0 catalog diagnostics --catalog maison-lumiere
expect 0 catalog products --catalog maison-lumiere --limit 5

# 2. Campaigns: a spec that fails, then a product card, a carousel and a collection, with previews.
expect 65 campaign validate --spec "$samples/campaigns/broken.yml"
for spec in coussin-terracotta bougies-hiver linge-de-lit; do
    expect 0 campaign create --spec "$samples/campaigns/$spec.yml" --as alice
    expect 0 campaign preview "$spec" --html "preview-$spec.html"
done
expect 0 campaign show coussin-terracotta

# 3. The next day's feed: a diff, and the campaign whose price changed gets a new revision.
expect 65 import "$samples/catalog-day2.xml" --catalog maison-lumiere
expect 0 catalog product ML-COU-LIN-45-TER --catalog maison-lumiere
expect 0 campaign update coussin-terracotta --as alice
expect 0 campaign diff coussin-terracotta
expect 0 campaign list
echo
echo "demo: done; previews in demo/preview-*.html"
