#!/usr/bin/env bash
# The whole suite (`npm test`): lint, the generated docs, start every test service, type-check and test every package
# through turbo, and stop the services again, whatever the tests did.
set -uo pipefail
cd "$(dirname "$0")/.."

npx biome check . || exit 1
test/services/start-all.sh || { test/services/stop-all.sh; exit 1; }
node scripts/turbo.mjs run typecheck test --concurrency=1
rc=$?
# The API reference builds without a warning (every exported symbol documented). After the tests:
# it reads the generated Spark Connect code and the addon's types, which the build above makes.
if [[ "$rc" == 0 ]]; then npm run docs || rc=1; fi
# The benchmarks are not run here (timed), but they must still compile against today's API.
if [[ "$rc" == 0 ]]; then npx tsc -p bench || rc=1; fi
test/services/stop-all.sh
exit "$rc"
