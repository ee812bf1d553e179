#!/usr/bin/env bash
# Tests of ./softmax as a newcomer meets it: JDK discovery, native library errors, the demo, rebuilds.
# Each check prints PASS or FAIL with what it saw; any FAIL makes the script exit non-zero.
set -uo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
SOFTMAX="$ROOT/softmax"
# shellcheck source=lib/jdk.sh
source "$ROOT/ci/lib/jdk.sh" # _jdk_major, _jdk_is_new_enough
failures=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; echo "----- output -----"; cat "$scratch/out"; echo "------------------"; failures=$((failures + 1)); }

# Runs the launcher with extra environment; output (stdout+stderr) in $scratch/out, exit code in $rc.
launch() {
  local -a envs=()
  while [[ $# -gt 0 && "$1" == *=* ]]; do envs+=("$1"); shift; done
  env "${envs[@]}" "$SOFTMAX" "$@" >"$scratch/out" 2>&1
  rc=$?
}

# A fake JDK 17: a `java` that answers -version as JDK 17 does, and its `release` file.
old="$scratch/old"
mkdir -p "$old/bin"
cat >"$old/bin/java" <<'FAKE'
#!/bin/sh
echo 'openjdk version "17.0.1" 2021-10-19' >&2
echo 'OpenJDK Runtime Environment (build 17.0.1+12)' >&2
echo 'OpenJDK 64-Bit Server VM (build 17.0.1+12, mixed mode, sharing)' >&2
FAKE
chmod +x "$old/bin/java"
echo 'JAVA_VERSION="17.0.1"' >"$old/release"
empty="$scratch/no-jdks"
mkdir -p "$empty"

# 1. JAVA_HOME at an old JDK: the launcher still finds a JDK 25+ (java on PATH or under the search folder).
launch JAVA_HOME="$old" --launcher-java
found=$(cat "$scratch/out")
if [[ $rc -eq 0 && "$found" != "$old" ]] && _jdk_is_new_enough "$found"; then
  pass "JAVA_HOME=$old (JDK $(_jdk_major "$old")) -> launcher picked $found"
else
  fail "JAVA_HOME=$old should still lead to a JDK 25+ (rc=$rc)"
fi

# 2. No JDK 25+ anywhere: one clear sentence, no stack trace, non-zero exit. The launcher looks only at the
#    first `java` on PATH, the fake 17, so a JDK 25 behind it in /usr/bin does not count.
launch JAVA_HOME="$old" PATH="$old/bin:/usr/bin:/bin" SOFTMAX_JDK_SEARCH="$empty" demo
lines=$(grep -c . "$scratch/out")
if [[ $rc -ne 0 && $lines -eq 1 ]] && grep -q '^softmax: no JDK 25 or newer was found' "$scratch/out" \
   && grep -q "java on PATH (17)" "$scratch/out" && grep -q "$empty" "$scratch/out" \
   && ! grep -q 'Exception\|	at ' "$scratch/out"; then
  pass "no JDK 25+: '$(cat "$scratch/out")'"
else
  fail "no JDK 25+ should print exactly one sentence and exit non-zero (rc=$rc, lines=$lines)"
fi

# 3. The demo works and shows the oneDNN version, the dispatched ISA and where the library came from.
launch demo
if [[ $rc -eq 0 ]] && grep -q 'oneDNN 3\.13' "$scratch/out" && grep -qi 'ISA' "$scratch/out" \
   && grep -q 'libdnnl.so.3' "$scratch/out" && ! grep -q '^WARNING' "$scratch/out"; then
  pass "demo prints version, ISA and library location, and no JVM warning"
else
  fail "demo (rc=$rc)"
fi

# 4. An explicit library path that does not exist: the error names it.
launch SOFTMAX_DNNL_LIBRARY=/nonexistent demo
if [[ $rc -ne 0 ]] && grep -q '/nonexistent' "$scratch/out" && ! grep -q '	at ' "$scratch/out"; then
  pass "SOFTMAX_DNNL_LIBRARY=/nonexistent: '$(head -n 1 "$scratch/out")'"
else
  fail "SOFTMAX_DNNL_LIBRARY=/nonexistent should fail naming the path (rc=$rc)"
fi

# 5. After a build caused by a POM edit, the next run does not build again, although Maven left the jar as it was.
touch -r "$ROOT/pom.xml" "$scratch/pom-time"
touch "$ROOT/pom.xml"
launch --version
built=$(grep -c 'building the command line' "$scratch/out")
launch --version
if [[ $rc -eq 0 && $built -eq 1 ]] && ! grep -q 'building the command line' "$scratch/out"; then
  pass "a POM edit rebuilds once, not on every run"
else
  fail "after the rebuild for a POM edit, the next run should not build again (rc=$rc, first run built: $built)"
fi
touch -r "$scratch/pom-time" "$ROOT/pom.xml"

if (( failures > 0 )); then
  echo "launcher-test: $failures check(s) failed"
  exit 1
fi
echo "launcher-test: all checks passed"
