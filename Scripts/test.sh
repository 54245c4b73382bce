#!/usr/bin/env bash
# Sets up what is missing and runs every test: unit, store, CLI end-to-end, format and layering checks.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh

echo "== layering" >&2
# FeedImport is a leaf; the CLI never touches GRDB or libxml2 directly (STYLE.md §3.3).
! grep -rEq '^(public |internal )?import (CampaignCore|GRDB|ArgumentParser)' Sources/FeedImport
! grep -rEq '^(public |internal )?import (GRDB|CLibXML2)' Sources/campaignctl

echo "== format" >&2
swift format lint --strict --recursive Sources Tests Package.swift

echo "== build" >&2
swift build --build-tests

echo "== tests" >&2
swift test --skip-build --disable-xctest
