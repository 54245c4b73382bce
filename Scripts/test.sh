#!/usr/bin/env bash
# Sets up what is missing and runs every test: unit, store, CLI end-to-end, format and layering checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the preview screenshot test (skipped when it is missing).
Scripts/setup.sh chromium

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

echo "== tests" >&2
swift test --skip-build --disable-xctest
