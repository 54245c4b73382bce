#!/usr/bin/env bash
# report-bench.sh — report ingest and export at scale, against the sqlite3 floor and DuckDB.
#
# Usage (a benchmark, never run by CI):
#   Scripts/bench/report-bench.sh
#   PERF_ROWS=1000000 SALES=100000 CAMPAIGNCTL=.build-release/release/campaignctl Scripts/bench/report-bench.sh
#
# Environment:
#   CAMPAIGNCTL  a prebuilt binary; unset: `swift build -c release --product campaignctl --scratch-path .build-release`
#   BENCH_DIR    work directory (default /work/bench/reports)
#   PERF_ROWS    performance rows (default 10000000); SALES: Stripe events (default 1000000)
#   RUNS         runs of the performance ingest, each into a fresh copy of the workspace (default 3; median shown)
#
# Steps, each timed with GNU time (wall seconds, peak RSS):
#   1. a workspace with the sample brand's three campaigns (as the demo builds it);
#   2. `campaignctl report ingest` of the X Ads report CSV, then of the Stripe events (JSON lines);
#   3. the day × campaign × product export: `campaignctl report export … --format csv`;
#   4. the floor: the same aggregate SQL (printed by `report export --sql`) run by the sqlite3 tool on the
#      same database, writing CSV;
#   5. DuckDB (from PyPI, in a venv): reads the same raw CSV and JSON lines and computes the same aggregate
#      (attribution from the marker, metadata, client_reference_id and utm_id), writing CSV — what an analyst
#      would do without campaignctl.
# The Markdown table goes to stdout and $BENCH_DIR/results.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/work/bench/reports}
PERF_ROWS=${PERF_ROWS:-10000000}
RUNS=${RUNS:-3}
SALES=${SALES:-1000000}
unset CAMPAIGNCTL_DATABASE CAMPAIGNCTL_OUTBOX CAMPAIGNCTL_USER CAMPAIGNCTL_KEYSTORE CAMPAIGNCTL_PASSPHRASE
log() { echo "report-bench: $*" >&2; }

if [[ -z ${CAMPAIGNCTL:-} ]]; then
    log "building the release CLI (a few minutes)"
    (cd "$ROOT" && swift build -c release --product campaignctl --scratch-path .build-release) >&2
    CAMPAIGNCTL=$ROOT/.build-release/release/campaignctl
fi
CAMPAIGNCTL=$(realpath "$CAMPAIGNCTL")
command -v sqlite3 >/dev/null || { log "sqlite3 is missing (apt-get install sqlite3)"; exit 1; }
if [[ ! -x /usr/bin/time && $(id -u) == 0 ]]; then apt-get install -y -qq time >&2 || true; fi
[[ -x /usr/bin/time ]] || { log "GNU time is needed (apt-get install time)"; exit 1; }

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(realpath "$BENCH_DIR")
DATA=$BENCH_DIR/data-$PERF_ROWS-$SALES
if [[ ! -f $DATA/done ]]; then
    log "generating $PERF_ROWS performance rows and $SALES Stripe events"
    python3 "$ROOT/Scripts/bench/generate_reports.py" --perf-rows "$PERF_ROWS" --sales "$SALES" --out "$DATA"
    touch "$DATA/done"
fi
CSV=$DATA/x-ads-report.csv
EVENTS=$DATA/stripe-events.jsonl

if [[ ! -x $BENCH_DIR/venv/bin/python ]]; then
    log "installing DuckDB from PyPI into $BENCH_DIR/venv"
    python3 -m venv "$BENCH_DIR/venv" >&2
    "$BENCH_DIR/venv/bin/pip" install -q duckdb >&2
fi

# shellcheck source=steal.sh
source "$ROOT/Scripts/bench/steal.sh"

# timed NAME CMD…: runs CMD, records "wall_s rss_kib steal_percent" in $BENCH_DIR/NAME.time.
timed() {
    local name=$1; shift
    local before after
    before=$(cpu_ticks)
    /usr/bin/time -f '%e %M' -o "$BENCH_DIR/$name.time" "$@" >"$BENCH_DIR/$name.log" 2>&1 \
        || { log "$name failed:"; tail -20 "$BENCH_DIR/$name.log" >&2; exit 1; }
    after=$(cpu_ticks)
    local steal
    steal=$(steal_percent "$before" "$after")
    echo "$(tail -n1 "$BENCH_DIR/$name.time") $steal" >"$BENCH_DIR/$name.time"
    log "$name: $(cut -d' ' -f1 "$BENCH_DIR/$name.time") s (hypervisor steal $steal %)"
}
wall() { cut -d' ' -f1 "$BENCH_DIR/$1.time"; }
rss() { echo $(( $(cut -d' ' -f2 "$BENCH_DIR/$1.time") / 1024 )); }
steal() { cut -d' ' -f3 "$BENCH_DIR/$1.time"; }

# 1. The workspace (fast: the demo's steps without publishing).
WS=$BENCH_DIR/workspace
rm -rf "$WS" && mkdir -p "$WS" && cd "$WS"
export CAMPAIGNCTL_DATABASE=$WS/campaignctl.sqlite
samples=$ROOT/Samples/maison-lumiere
alice=(--as alice --keystore "$WS/keys/alice")
{
    "$CAMPAIGNCTL" init --brand "Maison Lumière" --domain maison-lumiere.fr
    "$CAMPAIGNCTL" user add alice --role author --keystore "$WS/keys/alice"
    "$CAMPAIGNCTL" user add bob --role approver --keystore "$WS/keys/bob"
    "$CAMPAIGNCTL" policy seal "${alice[@]}"
    "$CAMPAIGNCTL" policy seal --as bob --keystore "$WS/keys/bob"
    "$CAMPAIGNCTL" import "$samples/catalog-day1.xml" --catalog maison-lumiere || true  # exit 65: sample errors
    for campaign in coussin-terracotta linge-de-lit bougies-hiver; do
        "$CAMPAIGNCTL" campaign create --spec "$samples/campaigns/$campaign.yml" "${alice[@]}"
    done
} >"$BENCH_DIR/setup.log" 2>&1

# 2. Ingest: the performance file RUNS times into copies of the fresh workspace (the table shows the median run).
cp "$CAMPAIGNCTL_DATABASE" "$WS/setup.sqlite"
for ((r = 1; r <= RUNS; r++)); do
    cp "$WS/setup.sqlite" "$CAMPAIGNCTL_DATABASE"
    rm -f "$CAMPAIGNCTL_DATABASE-wal" "$CAMPAIGNCTL_DATABASE-shm"
    timed "ingest-perf-$r" "$CAMPAIGNCTL" report ingest "$CSV"
done
median_run=$(for ((r = 1; r <= RUNS; r++)); do echo "$(wall "ingest-perf-$r") $r"; done | sort -g |
    awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }')
cp "$BENCH_DIR/ingest-perf-$median_run.time" "$BENCH_DIR/ingest-perf.time"
ingest_walls=$(for ((r = 1; r <= RUNS; r++)); do printf '%s s (steal %s %%) ' "$(wall "ingest-perf-$r")" "$(steal "ingest-perf-$r")"; done)
timed ingest-sales "$CAMPAIGNCTL" report ingest "$EVENTS" --timezone UTC
FROM=2024-01-01
TO=2026-12-31

# 3. Export by day × campaign × product, CSV.
timed export "$CAMPAIGNCTL" report export --by day,campaign,product --from $FROM --to $TO --format csv \
    --out "$BENCH_DIR/campaignctl.csv"

# 4. The sqlite3 floor: the very SQL campaignctl runs.
"$CAMPAIGNCTL" report export --by day,campaign,product --from $FROM --to $TO --sql >"$BENCH_DIR/aggregate.sql"
timed sqlite3 sh -c "sqlite3 -csv -header '$CAMPAIGNCTL_DATABASE' < '$BENCH_DIR/aggregate.sql' > '$BENCH_DIR/sqlite3.csv'"

# 5. DuckDB on the raw files.
cat >"$BENCH_DIR/duckdb_report.py" <<'PY'
import sys, duckdb
csv_path, events_path, out = sys.argv[1:4]
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(f"""
COPY (
  WITH perf AS (
    SELECT date AS day, regexp_extract(campaign_name, '\\[cctl (\\S+) r[0-9]+\\]', 1) AS campaign_id,
           CASE WHEN regexp_extract(campaign_name, '\\[cctl (\\S+) r[0-9]+\\]', 1) = 'coussin-terracotta'
                THEN 'ML-COU-LIN-45-TER' END AS product_id,
           impressions, engagements, clicks, url_clicks, card_engagements, billed_charge_local_micro
    FROM read_csv('{csv_path}', header = true)),
  ev AS (
    SELECT id, type, created, data.object AS o, data.previous_attributes AS prev
    FROM read_json('{events_path}', format = 'newline_delimited', maximum_object_size = 1048576,
                   columns = {{id: 'VARCHAR', type: 'VARCHAR', created: 'BIGINT',
                              data: 'STRUCT(object JSON, previous_attributes JSON)'}})),
  s AS (
    SELECT id, type, strftime(to_timestamp(created), '%Y-%m-%d') AS day,
      COALESCE(o->>'$.metadata.campaign_id', NULLIF(split_part(o->>'$.client_reference_id', '__', 1), ''),
               NULLIF(regexp_extract(o->>'$.success_url', 'utm_id=([^&]+)', 1), '')) AS campaign_id,
      COALESCE(o->>'$.metadata.product_id', NULLIF(split_part(o->>'$.client_reference_id', '__', 2), ''),
               NULLIF(regexp_extract(o->>'$.success_url', 'utm_content=([^&]+)', 1), '')) AS product_id,
      o->>'$.payment_intent' AS pi, upper(o->>'$.currency') AS currency,
      CAST(o->>'$.amount_total' AS BIGINT) AS total, CAST(o->>'$.amount_refunded' AS BIGINT) AS refunded,
      COALESCE(CAST(prev->>'$.amount_refunded' AS BIGINT), 0) AS before
    FROM ev WHERE type IN ('checkout.session.completed', 'charge.refunded')),
  sales AS (
    SELECT s.day, COALESCE(s.campaign_id, p.campaign_id) AS campaign_id, COALESCE(s.product_id, p.product_id) AS product_id,
      CASE WHEN s.type = 'checkout.session.completed' THEN 1 ELSE 0 END AS orders,
      CASE WHEN s.type = 'checkout.session.completed' THEN s.total * 10000 ELSE 0 END AS revenue,
      CASE WHEN s.type = 'charge.refunded' THEN (s.refunded - s.before) * 10000 ELSE 0 END AS refunds
    FROM s LEFT JOIN s p ON s.type = 'charge.refunded' AND p.type = 'checkout.session.completed' AND p.pi = s.pi)
  SELECT day, campaign_id, product_id, 'EUR' AS currency, SUM(impressions) AS impressions,
         SUM(engagements) AS engagements, SUM(clicks) AS clicks, SUM(link_clicks) AS link_clicks,
         SUM(buy_clicks) AS buy_clicks, SUM(spend) AS spend_micros, SUM(orders) AS orders,
         SUM(revenue) AS revenue_micros, SUM(refunds) AS refunds_micros
  FROM (
    SELECT CAST(day AS VARCHAR) AS day, campaign_id, product_id, impressions, engagements, clicks,
           url_clicks AS link_clicks, card_engagements AS buy_clicks, billed_charge_local_micro AS spend,
           0 AS orders, 0 AS revenue, 0 AS refunds FROM perf
    UNION ALL
    SELECT day, campaign_id, product_id, 0, 0, 0, 0, 0, 0, orders, revenue, refunds FROM sales
    WHERE campaign_id IS NOT NULL)
  GROUP BY ALL ORDER BY ALL
) TO '{out}' (HEADER, DELIMITER ',')
""")
PY
timed duckdb "$BENCH_DIR/venv/bin/python" "$BENCH_DIR/duckdb_report.py" "$CSV" "$EVENTS" "$BENCH_DIR/duckdb.csv"

# Same figures? Compare the three outputs' row counts and totals of spend and revenue.
check() {
    python3 - "$@" <<'PY'
import csv, sys
for path in sys.argv[1:]:
    rows = list(csv.DictReader(open(path, newline="")))
    spend = sum(int(float(r["spend_micros"] or 0)) for r in rows)
    revenue = sum(int(float(r["revenue_micros"] or 0)) for r in rows)
    refunds = sum(int(float(r["refunds_micros"] or 0)) for r in rows)
    print(f"{path.rsplit('/', 1)[-1]}: {len(rows)} rows, spend {spend}, revenue {revenue}, refunds {refunds}")
PY
}
check "$BENCH_DIR/campaignctl.csv" "$BENCH_DIR/sqlite3.csv" "$BENCH_DIR/duckdb.csv" >"$BENCH_DIR/check.txt"

perf_rows=$(($(wc -l <"$CSV") - 1))
events=$(wc -l <"$EVENTS")
rate() { python3 -c "print(f'{$1 / $2:,.0f}' if $2 > 0 else 'n/a')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}' if $2 > 0 else 'n/a')"; }
{
    echo "| step | input | wall s | rows/s | peak RSS MiB | steal % |"
    echo "|---|---|---:|---:|---:|---:|"
    echo "| campaignctl report ingest (X Ads CSV) | $(printf "%'d" "$perf_rows") rows, $(du -m "$CSV" | cut -f1) MB | $(wall ingest-perf) | $(rate "$perf_rows" "$(wall ingest-perf)") | $(rss ingest-perf) | $(steal ingest-perf) |"
    echo "| campaignctl report ingest (Stripe JSONL) | $(printf "%'d" "$events") events, $(du -m "$EVENTS" | cut -f1) MB | $(wall ingest-sales) | $(rate "$events" "$(wall ingest-sales)") | $(rss ingest-sales) | $(steal ingest-sales) |"
    echo "| campaignctl report export day×campaign×product CSV | the database | $(wall export) | | $(rss export) | $(steal export) |"
    echo "| sqlite3 tool, same SQL, CSV (floor) | the database | $(wall sqlite3) | | $(rss sqlite3) | $(steal sqlite3) |"
    echo "| DuckDB $("$BENCH_DIR/venv/bin/python" -c 'import duckdb; print(duckdb.__version__)') on the raw CSV + JSONL | the files | $(wall duckdb) | | $(rss duckdb) | $(steal duckdb) |"
    echo
    echo "Performance ingest runs: $ingest_walls(median shown)."
    echo "Export / sqlite3 floor: $(ratio "$(wall export)" "$(wall sqlite3)")×. Database: $(du -m "$CAMPAIGNCTL_DATABASE" | cut -f1) MB." \
        "Steal: the share of the machine's CPU time the hypervisor took during the step (high values mean a slowed run)."
    echo
    sed 's/^/    /' "$BENCH_DIR/check.txt"
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u '+%Y-%m-%d %H:%M UTC'); $(swift --version 2>/dev/null | head -1)"
} | tee "$BENCH_DIR/results.md"
