#!/usr/bin/env bash
# `npm run fuzz`: the property-based fuzzers (every `test/fuzz/*.fuzz.test.ts`) with many more runs
# than the suite gives them. PIPEKIT_FUZZ_RUNS sets the runs per property (default 20000),
# PIPEKIT_FUZZ_SEED replays a failure a run printed. Each property stops after 10 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
export PIPEKIT_FUZZ_RUNS="${PIPEKIT_FUZZ_RUNS:-20000}"
rc=0
for pkg in packages/*/; do
  [[ -d "$pkg/test/fuzz" ]] || continue
  echo "fuzz: $pkg ($PIPEKIT_FUZZ_RUNS runs per property)"
  (cd "$pkg" && npx vitest run test/fuzz --testTimeout=900000) || rc=1
done
exit "$rc"
