#!/usr/bin/env python3
"""Generate large ad-performance and Stripe-event files for the report benchmark.

    generate_reports.py --perf-rows N --sales N --out DIR [--seed S]

Writes, streamed (memory stays flat at any size; the same arguments give the same bytes):
  DIR/x-ads-report.csv   an X Ads report CSV: one row per promoted tweet, day and placement, sorted by day
                         like a real export. Entities are spread over the three sample campaigns and carry
                         campaignctl's `[cctl <campaign> r1]` marker in campaign_name, so no mapping is needed.
                         10,000 promoted tweets x 2 placements x (N / 20,000) days from 2024-01-01.
  DIR/stripe-events.jsonl  Stripe events, one per line, over the same days: ~86 % checkout.session.completed
                         (attributed by metadata, client_reference_id or the success URL's utm_id, a few
                         organic), ~8 % charge.succeeded of the same payment (not counted twice), ~3 %
                         charge.refunded, ~3 % other types (skipped).
Only the Python standard library is used. A summary goes to stderr.
"""
import argparse
import datetime
import io
import json
import os
import random
import sys

CAMPAIGNS = {
    "coussin-terracotta": ["ML-COU-LIN-45-TER"],
    "linge-de-lit": ["ML-LIN-DUV-200-NAT", "ML-LIN-DUV-140-NAT", "ML-LIN-DRH-160-NAT", "ML-LIN-TAI-65-NAT"],
    "bougies-hiver": ["ML-BOU-FIG-180", "ML-BOU-FEU-400", "ML-PLA-MER-MOU", "ML-PLA-GAU-LIN"],
}
NAMES = {
    "coussin-terracotta": "Coussin terracotta – hiver 2026",
    "linge-de-lit": "Le lin lavé, du lit à la table",
    "bougies-hiver": "Soirées d'hiver",
}
ENTITIES = 10_000
PLACEMENTS = ("ALL_ON_TWITTER", "PUBLISHER_NETWORK")
START = datetime.date(2024, 1, 1)


def base36(n):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def write_perf(path, rows, rng):
    days = max(1, rows // (ENTITIES * len(PLACEMENTS)))
    campaigns = list(CAMPAIGNS)
    entity_ids = [base36(1_500_000_000 + i * 7919) for i in range(ENTITIES)]
    entity_campaign = [campaigns[i % 3] for i in range(ENTITIES)]
    quoted = {c: '"' + NAMES[c].replace('"', '""') + f' [cctl {c} r1]"' for c in campaigns}
    written = 0
    with open(path, "w", encoding="utf-8", newline="", buffering=1 << 22) as out:
        out.write("promoted_tweet_id,campaign_name,date,placement,impressions,engagements,clicks,url_clicks,"
                  "card_engagements,billed_charge_local_micro\r\n")
        for d in range(days):
            day = (START + datetime.timedelta(days=d)).isoformat()
            lines = []
            for e in range(ENTITIES):
                for p, placement in enumerate(PLACEMENTS):
                    if written >= rows:
                        break
                    impressions = rng.randrange(200, 20_000) if p == 0 else rng.randrange(0, 3_000)
                    clicks = impressions * rng.randrange(5, 15) // 1000
                    lines.append(
                        f"{entity_ids[e]},{quoted[entity_campaign[e]]},{day},{placement},{impressions},"
                        f"{clicks + impressions // 300},{clicks},{clicks * 7 // 10},{clicks * 6 // 10},"
                        f"{impressions * rng.randrange(2_500, 5_500)}\r\n"
                    )
                    written += 1
            out.write("".join(lines))
            if written >= rows:
                break
    return written, days


def write_sales(path, count, days, rng):
    campaigns = list(CAMPAIGNS)
    written = 0
    base = int(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    span = days * 86_400
    with open(path, "w", encoding="utf-8", buffering=1 << 22) as out:
        batch = []
        n = 0
        while written < count:
            n += 1
            created = base + (written * span) // count + rng.randrange(0, 600)
            campaign = campaigns[n % 3]
            product = rng.choice(CAMPAIGNS[campaign])
            amount = rng.choice((2800, 3900, 4500, 5400, 8900, 10900, 14400))
            intent = f"pi_{n:024d}"
            kind = rng.random()
            if kind < 0.03:
                event = {"id": f"evt_o{n:021d}", "object": "event", "type": "customer.created", "created": created,
                         "data": {"object": {"id": f"cus_{n}", "object": "customer"}}}
            else:
                session = {"id": f"cs_{n:024d}", "object": "checkout.session", "mode": "payment",
                           "payment_status": "paid", "amount_total": amount, "currency": "eur",
                           "payment_intent": intent, "client_reference_id": None, "metadata": {},
                           "success_url": "https://www.maison-lumiere.fr/merci"}
                how = n % 4
                if how == 0:
                    session["metadata"] = {"campaign_id": campaign, "product_id": product}
                elif how == 1:
                    session["client_reference_id"] = f"{campaign}__{product}"
                elif how == 2:
                    session["success_url"] += f"?utm_source=x&utm_medium=paid_social&utm_content={product}&utm_id={campaign}"
                event = {"id": f"evt_s{n:021d}", "object": "event", "type": "checkout.session.completed",
                         "created": created, "livemode": False, "data": {"object": session}}
            batch.append(json.dumps(event, separators=(",", ":")))
            written += 1
            if kind >= 0.03 and written < count and kind < 0.11:
                charge = {"id": f"ch_{n:024d}", "object": "charge", "amount": amount, "currency": "eur",
                          "payment_intent": intent, "captured": True, "amount_refunded": 0, "metadata": {}}
                batch.append(json.dumps({"id": f"evt_c{n:021d}", "object": "event", "type": "charge.succeeded",
                                         "created": created + 2, "data": {"object": charge}}, separators=(",", ":")))
                written += 1
            if kind >= 0.03 and written < count and kind > 0.97:
                charge = {"id": f"ch_{n:024d}", "object": "charge", "amount": amount, "currency": "eur",
                          "payment_intent": intent, "captured": True, "amount_refunded": amount, "metadata": {}}
                batch.append(json.dumps({"id": f"evt_r{n:021d}", "object": "event", "type": "charge.refunded",
                                         "created": created + 86_400, "data": {"object": charge,
                                         "previous_attributes": {"amount_refunded": 0}}}, separators=(",", ":")))
                written += 1
            if len(batch) >= 10_000:
                out.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            out.write("\n".join(batch) + "\n")
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--perf-rows", type=int, required=True)
    parser.add_argument("--sales", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    rows, days = write_perf(os.path.join(args.out, "x-ads-report.csv"), args.perf_rows, rng)
    events = write_sales(os.path.join(args.out, "stripe-events.jsonl"), args.sales, days, rng)
    print(f"generate_reports: {rows} performance rows over {days} days, {events} Stripe events", file=sys.stderr)


if __name__ == "__main__":
    main()
