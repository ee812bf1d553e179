#!/usr/bin/env bash
# CI's benchmark smoke test: every benchmark method runs once (JMH single shot, no warm-up, in one JVM) over
# three small shapes and every parameter, each with its self-check against the double reference; the C
# reference runs every op, type, placement and thread count once with its own check; then the report generator
# runs on those results. Fails if anything fails. Takes well under 2 minutes once the bench module is built.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

START=$(date +%s)
bench_find_jdk
bench_build
bench_build_c

RAW="$BENCH_DIR/target/smoke"
rm -rf "$RAW"
mkdir -p "$RAW/c"
export SOFTMAX_BENCH_RAW="$RAW"

bench_log "smoke: oneDNN from C, every op/type/placement, 1 and 2 threads, one call each"
bench_run_c "$RAW/c/dnnl.txt" --shapes 8x16,4096x128,1x32000 --ops softmax,logsoftmax,softmax_bwd,logsoftmax_bwd \
    --dtypes f32,bf16 --placements out,in --threads 1,2 --warmup-ms 0 --samples 1 --sample-ms 0

bench_log "smoke: every JMH benchmark method once, with its self-check"
bench_java dev.softmax.bench.SuiteMain --mode smoke --raw "$RAW"

bench_log "smoke: report generator"
bench_java dev.softmax.bench.report.ReportMain --raw "$RAW" --out "$RAW/REPORT.md" --chart "$RAW/chart.png"
[[ -s "$RAW/REPORT.md" && -s "$RAW/chart.png" ]] || { bench_log "smoke: the report was not written"; exit 1; }

END=$(date +%s)
bench_log "smoke passed in $((END - START)) s (results: $RAW)"
