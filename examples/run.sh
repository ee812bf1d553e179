#!/usr/bin/env bash
# Runs the zero-copy decode loop (dev.softmax.examples.ZeroCopyDecodeLoop) from a built tree:
#   examples/run.sh [--model bigram|lm-32000] [--batch 16] [--steps 64] [--warm-up 5000]
# Build first with: mvn -B -ntp -pl examples -am install -DskipTests (ci/test.sh does it).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=../ci/lib/jdk.sh
source "$ROOT/ci/lib/jdk.sh"
find_jdk25 >/dev/null || exit 1
TARGET="$ROOT/examples/target"
if [[ ! -d "$TARGET/classes" || ! -d "$TARGET/lib" ]]; then
  echo "examples/run.sh: $TARGET/classes or lib/ is missing; build with mvn -pl examples -am install -DskipTests" >&2
  exit 1
fi
exec "$SOFTMAX_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
  -cp "$TARGET/classes:$TARGET/lib/*" dev.softmax.examples.ZeroCopyDecodeLoop "$@" \
  2> >(grep -v '^WARNING: Using incubator modules: jdk.incubator.vector$' >&2)
