#!/usr/bin/env bash
# Builds everything and runs every test: the Maven test suites of all modules (native access granted
# explicitly, illegal native access denied), then the launcher's own tests.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib/jdk.sh
source "$ROOT/ci/lib/jdk.sh"
find_jdk25 || exit 1
echo "ci/test.sh: using JDK at $SOFTMAX_JAVA_HOME"
# shellcheck source=lib/dlpack.sh
source "$ROOT/ci/lib/dlpack.sh"
ensure_dlpack_header || exit 1

# The Maven test phase includes the reliability suites (RELIABILITY.md): every Jazzer fuzz target in regression mode
# over its committed corpus, the short soak, the concurrency stress tests and the fault-injection tests. The long runs
# are ci/fuzz-long.sh and ci/soak-long.sh (not part of CI).
softmax_mvn -B -ntp install

bash "$ROOT/ci/launcher-test.sh"
bash "$ROOT/bench/smoke.sh"
# The zero-copy decode loop, small: ONNX Runtime and the engine hand logits and tokens over without a copy.
bash "$ROOT/examples/run.sh" --batch 4 --steps 8 --warm-up 50 | tee "$ROOT/examples/target/run-small.txt"
grep -q "bytes copied in 8 steps: 0$" "$ROOT/examples/target/run-small.txt"
bash "$ROOT/spark/smoke.sh"

echo "ci/test.sh: all tests passed"
