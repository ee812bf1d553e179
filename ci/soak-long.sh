#!/usr/bin/env bash
# The long soak and concurrency runs of RELIABILITY.md (CI runs the short versions inside the Maven test phase):
#   - SoakTest: one engine, 1,000,000 mixed calls, primitive cache of 4, in a fresh JVM; RSS drift < 1% and heap
#     after GC flat between the 10% and 100% marks, live native handles 0 after close;
#   - ConcurrencyStressTest: 8 threads x 100,000 calls on one engine, every result bit-identical to the
#     single-threaded one; engines created and closed concurrently.
#
#   ci/soak-long.sh [soak calls, default 1000000] [calls per thread, default 100000; 0 skips the stress run]
#   (SOAK_WARM_UP: uncounted warm-up calls before the soak's marks, default 200000)
#
# Needs a built tree. Extra Maven arguments come from SOAK_MVN_ARGS. Output: target/soak-long/*.log and summary.txt.
set -uo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib/jdk.sh
source "$ROOT/ci/lib/jdk.sh"
find_jdk25 || exit 1

CALLS=${1:-1000000}
PER_THREAD=${2:-100000}
OUT="$ROOT/target/soak-long"
mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"
echo "# ci/soak-long.sh $CALLS $PER_THREAD, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git rev-parse --short HEAD 2>/dev/null)" >>"$SUMMARY"
failed=0

start=$(date +%s)
# shellcheck disable=SC2086
softmax_mvn -B -ntp ${SOAK_MVN_ARGS:-} -pl engine surefire:test@default-test -Dtest=SoakTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dsoftmax.soak.calls="$CALLS" -Dsoftmax.soak.from=10 \
  -Dsoftmax.soak.maxDriftPercent=1 -Dsoftmax.soak.warmUp="${SOAK_WARM_UP:-200000}" >"$OUT/soak.log" 2>&1 || failed=1
cp engine/target/surefire-reports/dev.softmax.SoakTest-output.txt "$OUT/soak-output.txt" 2>/dev/null
{
  echo "soak: exit $failed after $(( $(date +%s) - start ))s"
  grep -E "^(MARK|CLOSED|soak:)" "$OUT/soak-output.txt" 2>/dev/null
} | tee -a "$SUMMARY"

if [ "$PER_THREAD" -gt 0 ]; then
  start=$(date +%s)
  status=0
  # shellcheck disable=SC2086
  softmax_mvn -B -ntp ${SOAK_MVN_ARGS:-} -pl engine surefire:test@default-test -Dtest=ConcurrencyStressTest \
    -Dsurefire.failIfNoSpecifiedTests=false -Dsoftmax.stress.callsPerThread="$PER_THREAD" >"$OUT/stress.log" 2>&1 || status=1
  cp engine/target/surefire-reports/dev.softmax.ConcurrencyStressTest-output.txt "$OUT/stress-output.txt" 2>/dev/null
  {
    echo "stress: exit $status after $(( $(date +%s) - start ))s"
    grep -E "^stress:" "$OUT/stress-output.txt" 2>/dev/null
    grep -E "Tests run:" "$OUT/stress.log" | tail -1
  } | tee -a "$SUMMARY"
  [ $status -eq 0 ] || failed=1
fi
exit $failed
