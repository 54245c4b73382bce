#!/usr/bin/env bash
# The main job on the sample brand (Samples/maison-lumiere), in a fresh ./demo folder: sets up what is
# missing, builds, then runs import → campaign → two approvals (two people, two keystores) → publish to
# the outbox → next day's import (drift pauses the live campaign) → a week of ad stats and Stripe sales →
# CSV, JSON and HTML reports → audit.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh
swift build --product campaignctl 2>&1 | tail -1 >&2
ctl="$PWD/.build/debug/campaignctl"
samples="../Samples/maison-lumiere"

rm -rf demo && mkdir demo && cd demo
export CAMPAIGNCTL_DATABASE="$PWD/campaignctl.sqlite"
alice=(--as alice --keystore "$PWD/keys/alice")   # Alice writes campaigns (her keys, her laptop)
bob=(--as bob --keystore "$PWD/keys/bob")         # Bob approves them (his keys, his laptop)

step() { printf '\n\033[1m$ campaignctl %s\033[0m\n' "$*"; }
# Runs a step that must exit with the given status (the samples contain deliberate errors).
expect() {
    local want=$1; shift
    step "$*"
    set +e; "$ctl" "$@"; local got=$?; set -e
    if [ "$got" -ne "$want" ]; then echo "demo: expected exit $want, got $got" >&2; exit 1; fi
    [ "$want" -eq 0 ] || echo "(exit $got, as expected)"
}

# 1. The brand's workspace: two people, each with their own keystore; both sign the policy.
expect 0 init --brand "Maison Lumière" --domain maison-lumiere.fr
expect 0 user add alice --role author --keystore "$PWD/keys/alice"
expect 0 user add bob --role approver --keystore "$PWD/keys/bob"
expect 0 policy seal "${alice[@]}"
expect 0 policy seal "${bob[@]}"
expect 0 policy show

# 2. The catalog (the sample feed has deliberate errors: exit 65, valid items stored).
expect 65 import "$samples/catalog-day1.xml" --catalog maison-lumiere
expect 0 catalog products --catalog maison-lumiere --limit 5

# 3. Campaigns: a spec that fails, then a product card with its preview.
expect 65 campaign validate --spec "$samples/campaigns/broken.yml"
expect 0 campaign create --spec "$samples/campaigns/coussin-terracotta.yml" "${alice[@]}"
expect 0 campaign preview coussin-terracotta --html preview.html

# 4. Two-person approval: Alice cannot approve her own campaign; Bob does; Alice publishes to the outbox.
expect 0 campaign submit coussin-terracotta "${alice[@]}"
expect 77 campaign approve coussin-terracotta "${alice[@]}" --yes
expect 0 campaign approve coussin-terracotta "${bob[@]}" --yes
expect 0 campaign publish coussin-terracotta "${alice[@]}"
expect 0 publish verify coussin-terracotta
#    The collection and the carousel go through the same two-person flow.
for campaign in linge-de-lit bougies-hiver; do
    expect 0 campaign create --spec "$samples/campaigns/$campaign.yml" "${alice[@]}"
    expect 0 campaign submit "$campaign" "${alice[@]}"
    expect 0 campaign approve "$campaign" "${bob[@]}" --yes
    expect 0 campaign publish "$campaign" "${alice[@]}"
done

# 5. The next day's feed lowers the cushion's price: the live campaign is paused at once (drift),
#    and revision 2 waits for a new approval.
expect 65 import "$samples/catalog-day2.xml" --catalog maison-lumiere
expect 0 campaign status coussin-terracotta

# 6. A week later: X's analytics for the two promoted tweets (ids from the outbox applied by hand, so mapped
#    once), the Ads Manager report of the carousel (matched by the [cctl id rN] marker in its name), and
#    Stripe's events (attributed by client_reference_id, metadata or the Buy link's UTM; refunds subtract).
reports="$samples/reports"
expect 0 report ingest "$reports/x-analytics-promoted-tweets-2026-12-01_07.json" \
    --map 1mbq3x=coussin-terracotta --map 1mbq4k=linge-de-lit
expect 0 report ingest "$reports/x-ads-campaign-report-2026-12-01_07.csv" "$reports/stripe-events-2026-12-01_07.jsonl"
expect 0 report ingest "$reports/stripe-events-2026-12-01_07.jsonl"   # again: nothing counted twice
expect 0 report export --by day,campaign --from 2026-12-01 --to 2026-12-07 --out report.csv
expect 0 report export --by campaign,format,product --from 2026-12-01 --to 2026-12-07 --out report.json
expect 0 report export --by campaign --from 2026-12-01 --to 2026-12-07 --out report.html

# 7. Everything above is in the tamper-evident audit log.
expect 0 audit log
expect 0 audit verify "${bob[@]}"
expect 0 audit checkpoint --out checkpoint.txt "${bob[@]}"
echo
echo "demo: done — outbox/ holds the publish and pause bundles; preview.html the post; report.csv, report.json"
echo "and report.html the week's figures; checkpoint.txt the log's signed head"
