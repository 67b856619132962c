#!/usr/bin/env bash
# npm run test:faults: runs the fault and hostile-input tests (test/faults/, which npm test leaves out) from a clean
# row directory, then writes docs/RELIABILITY.md from the rows they recorded, even when a test failed (its row is then
# marked "not proven"). Exits with the tests' status. Extra arguments go to vitest (e.g. one file).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rm -rf .berth-local/reliability
started=$(date +%s)
npx vitest run "${@:-test/faults/}"
status=$?
wall=$(($(date +%s) - started))
echo "=== test/faults: ${wall} s of wall time"
# The wall time goes into the document only for a run of the whole suite.
if [ "$#" -eq 0 ]; then export BERTH_FAULTS_WALL_SECONDS=$wall; fi
npx tsx scripts/reliability/write-report.ts || status=1
exit "$status"
