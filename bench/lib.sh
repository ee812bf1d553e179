# shellcheck shell=bash
# Shared by bench/run.sh and bench/smoke.sh: finds JDK 25, builds what is missing, builds and runs the C
# reference, runs Java with the flags the benchmarks need. Source it; it defines functions and variables only.

BENCH_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=../ci/lib/jdk.sh
source "$ROOT/ci/lib/jdk.sh"

BENCH_JAR="$BENCH_DIR/target/benchmarks.jar"
C_SOURCE="$ROOT/native/src/c/dnnl_softmax_bench.c"
C_BINARY="$BENCH_DIR/target/c/dnnl_softmax_bench"

# Native peers (oneDNN's OpenMP in the engine and in the C program): one thread unless a call asks for more,
# and idle OpenMP threads sleep instead of spinning on this 2-vCPU host. ONNX Runtime does not use OpenMP.
export OMP_NUM_THREADS=1
export OMP_WAIT_POLICY=PASSIVE

bench_log() { echo "bench: $*" >&2; }

bench_find_jdk() {
  find_jdk25 || exit 1
  BENCH_JAVA="$SOFTMAX_JAVA_HOME/bin/java"
}

# The jar is stale when any main source, resource or POM it is built from is newer.
bench_needs_build() {
  [[ -f "$BENCH_JAR" && -n "$(bench_dnnl_dir)" ]] || return 0
  [[ -n "$(find "$ROOT/pom.xml" "$ROOT"/{bindings,native,engine,bench}/pom.xml \
              "$ROOT"/{bindings,native,engine,bench}/src/main -newer "$BENCH_JAR" -print -quit 2>/dev/null)" ]]
}

bench_build() {
  if ! bench_needs_build; then
    return 0
  fi
  bench_log "building bench/target/benchmarks.jar (mvn -pl bench -am package -DskipTests)..."
  local log
  log=$(mktemp)
  if ! (cd "$ROOT" && softmax_mvn -B -q -Dstyle.color=never -DskipTests -pl bench -am package) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    bench_log "the build failed; the Maven output is above."
    exit 1
  fi
  rm -f "$log"
}

# Folder holding libdnnl.so.3, libgomp.so.1 and include/, unpacked by the bench module's build from
# org.bytedeco:dnnl (the jar the engine loads its oneDNN from).
bench_dnnl_dir() {
  local lib
  lib=$(find "$BENCH_DIR/target/dnnl" -name libdnnl.so.3 -print -quit 2>/dev/null || true)
  [[ -z "$lib" ]] || dirname "$lib"
}

bench_build_c() {
  local dnnl
  dnnl=$(bench_dnnl_dir)
  if [[ -z "$dnnl" ]]; then
    bench_log "oneDNN headers and library are missing from bench/target/dnnl; build the bench module first."
    exit 1
  fi
  if [[ -x "$C_BINARY" && "$C_BINARY" -nt "$C_SOURCE" && "$C_BINARY" -nt "$dnnl/libdnnl.so.3" ]]; then
    return 0
  fi
  if ! command -v gcc >/dev/null 2>&1; then
    bench_log "gcc is needed to build the C reference (native/src/c/dnnl_softmax_bench.c) and was not found."
    exit 1
  fi
  mkdir -p "$(dirname "$C_BINARY")"
  gcc -O2 -std=c11 -Wall -Wextra -I"$dnnl/include" "$C_SOURCE" -o "$C_BINARY" \
      -L"$dnnl" -l:libdnnl.so.3 -l:libgomp.so.1 -Wl,-rpath,"$dnnl" -lm
}

# bench_run_c OUTPUT_FILE ARGS...: runs the C reference, appending its output (and the library's SHA-256).
bench_run_c() {
  local out=$1
  shift
  local dnnl
  dnnl=$(bench_dnnl_dir)
  if ! grep -q '^# library' "$out" 2>/dev/null; then
    echo "# library ./${dnnl#"$ROOT"/}/libdnnl.so.3 sha256=$(sha256sum "$dnnl/libdnnl.so.3" | cut -c1-16)..." >>"$out"
  fi
  "$C_BINARY" "$@" | tee -a "$out" | grep -c '^RESULT' | sed 's/^/bench:   C results: /' >&2
  return "${PIPESTATUS[0]}"
}

# bench_java ARGS...: the JDK found above, with native access granted and the Vector API module; the JVM's
# one-line notice about incubator modules is dropped.
bench_java() {
  "$BENCH_JAVA" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
      --sun-misc-unsafe-memory-access=allow -cp "$BENCH_JAR" "$@" \
      2> >(grep -v --line-buffered '^WARNING: Using incubator modules: jdk.incubator.vector$' >&2)
}
