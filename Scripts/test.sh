#!/usr/bin/env bash
# Sets up what is missing and runs every test: unit, store, CLI end-to-end, format and layering checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the preview screenshot test (skipped when it is missing); postgresql: the team-mode run.
Scripts/setup.sh chromium postgresql

echo "== layering" >&2
# FeedImport is a leaf; the CLI never touches GRDB or libxml2 directly (STYLE.md §3.3).
if grep -rEn '^(public |internal )?import (CampaignCore|GRDB|ArgumentParser)' Sources/FeedImport; then
    echo "layering: FeedImport must not import CampaignCore, GRDB or ArgumentParser" >&2
    exit 1
fi
if grep -rEn '^(public |internal )?import (GRDB|CLibXML2)' Sources/campaignctl; then
    echo "layering: the CLI must not import GRDB or CLibXML2" >&2
    exit 1
fi

echo "== format" >&2
swift format lint --strict --recursive Sources Tests Package.swift

echo "== build" >&2
swift build --build-tests

echo "== tests (SQLite)" >&2
swift test --skip-build --disable-xctest

# Team mode: the store's and the CLI's tests again, on a throwaway PostgreSQL cluster. A server named by
# CAMPAIGNCTL_TEST_PG is used instead when set.
echo "== tests (PostgreSQL)" >&2
cluster="$PWD/.build/pg-test"
url=${CAMPAIGNCTL_TEST_PG:-}
if [ -z "$url" ]; then
    trap 'Scripts/pg-test-cluster.sh stop "$cluster"' EXIT
    url=$(Scripts/pg-test-cluster.sh start "$cluster")
fi
CAMPAIGNCTL_TEST_PG="$url" swift test --skip-build --disable-xctest --filter 'CampaignCoreTests|campaignctlTests'
