#!/usr/bin/env bash
# The kill -9 soak at length: SoakTest with N worker kills (default 200; the test suite runs 30), then its summary.
# Usage: scripts/soak.sh [kills] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-200}"
seed="${2:-20261201}"
./mvnw -B -ntp -q test -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false -Dsoak.kills="$kills" -Dsoak.seed="$seed"
echo
echo "Soak with $kills SIGKILLs (seed $seed): every job succeeded once, no duplicate or half-written rows,"
echo "no orphaned files, every round equal to the undisturbed reference round."
echo
cat target/soak-summary.md
