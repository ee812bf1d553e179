#!/usr/bin/env bash
# The long fuzzing run of RELIABILITY.md: every Jazzer target coverage-guided (JAZZER_FUZZ=1) for a number of
# executions each, one target per child JVM (Surefire's fork), so a JVM crash ends that target's run and is reported
# here instead of taking the whole run down.
#
#   ci/fuzz-long.sh [executions per target, default 1000000] [target ...]
#
# Targets: npy, cache, engine, dlpack (default: all). Needs a built tree (ci/test.sh or mvn install -DskipTests).
# Extra Maven arguments (for example -o -Dmaven.repo.local=...) come from FUZZ_MVN_ARGS; FUZZ_MAX_DURATION caps each
# target's time (Jazzer syntax, default 6h). Results go to
# target/fuzz-long/: one log per target and summary.txt (executions counted by the targets themselves, outcome).
# A failing input is written by Jazzer into the target's ...Inputs/ folder under src/test/resources, where it becomes a
# regression test; add it to git with the fix.
set -uo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib/jdk.sh
source "$ROOT/ci/lib/jdk.sh"
find_jdk25 || exit 1

EXECUTIONS=${1:-1000000}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(npy cache engine dlpack)
fi
OUT="$ROOT/target/fuzz-long"
mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"
echo "# ci/fuzz-long.sh $EXECUTIONS, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git rev-parse --short HEAD 2>/dev/null)" >>"$SUMMARY"

failed=0
for target in "${TARGETS[@]}"; do
  case "$target" in
    npy) module=cli; class=NpyParseFuzzTest ;;
    cache) module=native; class=CacheFolderFuzzTest ;;
    engine) module=engine; class=EngineCallFuzzTest ;;
    dlpack) module=engine; class=DLPackImportFuzzTest ;;
    *) echo "unknown target $target (npy, cache, engine, dlpack)" >&2; exit 2 ;;
  esac
  stats="$OUT/$target.stats"
  rm -f "$stats"
  start=$(date +%s)
  # shellcheck disable=SC2086
  JAZZER_FUZZ=1 softmax_mvn -B -ntp ${FUZZ_MVN_ARGS:-} -pl "$module" surefire:test@default-test \
    -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.max_executions="$EXECUTIONS" -Djazzer.max_duration="${FUZZ_MAX_DURATION:-6h}" \
    -Dfuzz.stats.file="$stats" >"$OUT/$target.log" 2>&1
  status=$?
  seconds=$(( $(date +%s) - start ))
  executions=$(awk -F'executions=' '/executions=/ {n += $2} END {print n + 0}' "$stats" 2>/dev/null || echo 0)
  if [ $status -eq 0 ]; then outcome="no failure"; else outcome="FAILED (exit $status, see $OUT/$target.log)"; failed=1; fi
  line="$target ($module $class): $executions executions in ${seconds}s, $outcome"
  echo "$line" | tee -a "$SUMMARY"
done
exit $failed
