#!/usr/bin/env bash
# Runs the benchmark suite and writes bench/results/REPORT.md and bench/results/chart.png.
#
#   bench/run.sh            full run: every combination, 2 forks (takes well over an hour)
#   bench/run.sh --quick    the shapes and combinations the report's ratios need, 1 fork (about 10 minutes)
#   bench/run.sh --quick --shapes 64x32000,1024x1024    fewer shapes (any mode)
#
# Raw results (JMH JSON and logs, trial records, the C program's output) go to bench/results/raw/, which is
# not committed. Builds the bench module first if it is missing or stale, and the C reference with gcc.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

MODE=full
SHAPES=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --shapes) SHAPES=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1 (expected --quick, --full, --shapes LIST)" >&2; exit 64 ;;
  esac
  shift
done

START=$(date +%s)
bench_find_jdk
bench_log "mode $MODE, JDK $SOFTMAX_JAVA_HOME, OMP_NUM_THREADS=$OMP_NUM_THREADS OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
bench_build
bench_build_c
BUILT=$(date +%s)

RESULTS="$BENCH_DIR/results"
RAW="$RESULTS/raw"
rm -rf "$RAW"
mkdir -p "$RAW/c"
export SOFTMAX_BENCH_RAW="$RAW"

# The C reference, timed like a JMH trial: warm-up, then samples of about one iteration each.
C_SHAPES=${SHAPES:-8x16,1x32000,64x32000,1x128256,256x128256,4096x128,32768x128,1024x1024,32x4096,1x1000000}
C_OUT="$RAW/c/dnnl.txt"
if [[ $MODE == quick ]]; then
  # As SuiteMain's quick plan: every shape for the summary, four shapes (those requested, if any) for the rest.
  C_SOME=${SHAPES:-8x16,4096x128,64x32000,256x128256}
  C_TIMING=(--warmup-ms 300 --samples 5 --sample-ms 200)
  bench_log "oneDNN from C: f32 softmax on every shape; log-softmax, backward, in place and bf16 on $C_SOME"
  bench_run_c "$C_OUT" --shapes "$C_SHAPES" --ops softmax --dtypes f32 --placements out --threads 1 "${C_TIMING[@]}"
  bench_run_c "$C_OUT" --shapes "$C_SOME" --ops logsoftmax,softmax_bwd,logsoftmax_bwd --dtypes f32 \
      --placements out --threads 1 "${C_TIMING[@]}"
  bench_run_c "$C_OUT" --shapes "$C_SOME" --ops softmax --dtypes f32 --placements in --threads 1 "${C_TIMING[@]}"
  bench_run_c "$C_OUT" --shapes "$C_SOME" --ops softmax --dtypes bf16 --placements out --threads 1 "${C_TIMING[@]}"
else
  C_TIMING=(--warmup-ms 1200 --samples 16 --sample-ms 300)
  bench_log "oneDNN from C: every op, f32 and bf16, out of and in place, 1 thread; forward on 2 threads"
  bench_run_c "$C_OUT" --shapes "$C_SHAPES" --ops softmax,logsoftmax,softmax_bwd,logsoftmax_bwd --dtypes f32,bf16 \
      --placements out,in --threads 1 "${C_TIMING[@]}"
  bench_run_c "$C_OUT" --shapes "$C_SHAPES" --ops softmax,logsoftmax --dtypes f32 --placements out --threads 2 \
      "${C_TIMING[@]}"
fi
C_DONE=$(date +%s)

SUITE_ARGS=(--mode "$MODE" --raw "$RAW")
[[ -n "$SHAPES" ]] && SUITE_ARGS+=(--shapes "$SHAPES")
bench_java dev.softmax.bench.SuiteMain "${SUITE_ARGS[@]}"
JMH_DONE=$(date +%s)

# vLLM's CPU sampling algorithm on Debian's PyTorch, beside the decode-step benchmarks (same shapes, 1 thread).
if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  TORCH_ARGS=(--out "$RAW/torch/sampling.json" --shapes "${SHAPES:-1x128256,64x128256,256x32000}")
  if [[ $MODE == quick ]]; then
    TORCH_ARGS+=(--warmup-ms 600 --samples 5 --sample-ms 200)
  else
    TORCH_ARGS+=(--warmup-ms 1200 --samples 16 --sample-ms 300)
  fi
  bench_log "PyTorch: vLLM's sampling algorithm (bench/torch_sampling.py), 1 thread"
  /usr/bin/python3 "$BENCH_DIR/torch_sampling.py" "${TORCH_ARGS[@]}"
else
  bench_log "PyTorch: /usr/bin/python3 cannot import torch (apt-get install python3-torch); the report says not measured"
fi
TORCH_DONE=$(date +%s)

GIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
# bench/results is what this script writes (REPORT.md and chart.png are tracked): changes there do not count.
if [[ -n "$(cd "$ROOT" && git status --porcelain -- . ':(exclude)bench/results' 2>/dev/null || true)" ]]; then
  GIT="$GIT (with uncommitted changes)"
fi
{
  echo "build=$((BUILT - START))"
  echo "c=$((C_DONE - BUILT))"
  echo "jmh=$((JMH_DONE - C_DONE))"
  echo "torch=$((TORCH_DONE - JMH_DONE))"
  echo "total=$((TORCH_DONE - START))"
  echo "git=$GIT"
} >"$RAW/timing.properties"
bench_java dev.softmax.bench.report.ReportMain --raw "$RAW" --out "$RESULTS/REPORT.md" --chart "$RESULTS/chart.png"
END=$(date +%s)
bench_log "done in $(( (END - START) / 60 )) min $(( (END - START) % 60 )) s: $RESULTS/REPORT.md, $RESULTS/chart.png"
