#!/usr/bin/env bash
# Runs the Parquet logits job (dev.softmax.spark.LogitsJob) on local[*] with the JVM flags Spark and the engine
# need on JDK 25:
#
#   spark/run-local.sh --in X.parquet --out Y.parquet --functions softmax,entropy,top_k_logprobs:5 \
#                      [--temperature T] [--logits-column NAME] [--step-column NAME] [--keep-logits] [--mode overwrite]
#   spark/run-local.sh generate --out X.parquet --rows 10000 --vocab 1024 [--ragged]    (synthetic logits to try it on)
#   SPARK_MASTER='local[2]' SPARK_DRIVER_MEMORY=10g spark/run-local.sh benchmark [--shapes 100000x1024,10000x32000]
#
# The job runs from the module's shaded jar (engine and oneDNN inside) with Spark's jars on the class path: from
# $SPARK_HOME/jars when SPARK_HOME is set, else the spark-sql_2.13 dependency tree Maven resolved for this module.
# Builds the jar first if it is missing (SOFTMAX_SPARK_MVN_ARGS are passed to Maven, e.g. -o or
# -Dmaven.repo.local=...). Environment: SPARK_MASTER (default local[*]), SPARK_DRIVER_MEMORY (default 2g),
# SOFTMAX_SPARK_CONF (extra "key=value" Spark settings, space-separated, e.g. spark.softmax.backend=java).
set -euo pipefail

HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# shellcheck source=../ci/lib/jdk.sh
source "$ROOT/ci/lib/jdk.sh"
find_jdk25 || exit 1

read -r -a MVN_ARGS <<<"${SOFTMAX_SPARK_MVN_ARGS:-}"
VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1)
JAR="$HERE/target/softmax-spark-$VERSION-all.jar"
if [[ ! -f "$JAR" ]]; then
  echo "run-local.sh: building $JAR" >&2
  (cd "$ROOT" && softmax_mvn -B -ntp -q "${MVN_ARGS[@]}" -pl spark -am package -DskipTests -Dspotless.check.skip=true)
fi

if [[ -n "${SPARK_HOME:-}" ]]; then
  SPARK_CP="$SPARK_HOME/jars/*"
else
  CP_FILE="$HERE/target/spark-classpath.txt"
  if [[ ! -s "$CP_FILE" || "$CP_FILE" -ot "$HERE/pom.xml" ]]; then
    (cd "$ROOT" && softmax_mvn -B -ntp -q "${MVN_ARGS[@]}" -pl spark dependency:build-classpath \
        -Dmdep.includeScope=provided -Dmdep.outputFile="$CP_FILE")
  fi
  SPARK_CP=$(cat "$CP_FILE")
fi

# The flags: native access for the engine (and Spark's own native code), sun.misc.Unsafe for Spark, the Vector API
# module for the engine's Java kernels, and the add-opens list of Spark's launcher (JavaModuleOptions; java.nio is
# also what Spark's Arrow export needs).
JVM_FLAGS=(
  --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow
  --add-modules=jdk.incubator.vector
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
)
CONF=(-Dspark.master="${SPARK_MASTER:-local[*]}" -Dspark.ui.enabled=false -Dspark.driver.memory="${SPARK_DRIVER_MEMORY:-2g}")
for setting in ${SOFTMAX_SPARK_CONF:-}; do
  CONF+=("-D$setting")
done

MAIN=dev.softmax.spark.LogitsJob
if [[ "${1:-}" == generate ]]; then
  MAIN=dev.softmax.spark.GenerateLogits
  shift
elif [[ "${1:-}" == benchmark ]]; then
  MAIN=dev.softmax.spark.SparkBenchmark
  shift
fi

exec "$SOFTMAX_JAVA_HOME/bin/java" -Xmx"${SPARK_DRIVER_MEMORY:-2g}" "${JVM_FLAGS[@]}" "${CONF[@]}" \
  -Dlog4j2.level=warn -cp "$JAR:$SPARK_CP" "$MAIN" "$@"
