#!/bin/sh
# Long hostile-input run (CI runs the same properties with 150–300 inputs each):
# TSGRAD_FUZZ_RUNS inputs per fuzz property (default 20000), then the outcome counts per loader.
#   sh tools/fuzz.sh            TSGRAD_FUZZ_RUNS=100000 sh tools/fuzz.sh
cd "$(dirname "$0")/.." || exit 1
TSGRAD_FUZZ_RUNS="${TSGRAD_FUZZ_RUNS:-20000}" TSGRAD_FUZZ_REPORT=1 exec npx vitest run \
  packages/nn/test/hostile.test.ts packages/optim/test/hostile.test.ts packages/data/test/hostile.test.ts
