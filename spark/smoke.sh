#!/usr/bin/env bash
# CI's check of the shaded jar and run-local.sh: synthetic ragged logits written as Parquet, the job run on them
# through the script (JDK 25 flags, shaded jar + Spark's jars), the row count it reads back checked. ~40 s.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$HERE/run-local.sh" generate --out "$WORK/in.parquet" --rows 500 --vocab 300 --ragged >"$WORK/generate.log" 2>&1 \
  || { cat "$WORK/generate.log"; exit 1; }
"$HERE/run-local.sh" --in "$WORK/in.parquet" --out "$WORK/out.parquet" \
  --functions softmax,log_softmax,logsumexp,entropy,top_k_logprobs:5,sample_token:7 --temperature 0.9 \
  >"$WORK/job.log" 2>&1 || { cat "$WORK/job.log"; exit 1; }
grep -q "LogitsJob: wrote 500 rows" "$WORK/job.log" || { cat "$WORK/job.log"; echo "spark/smoke.sh: job output missing"; exit 1; }
echo "spark/smoke.sh: the Parquet job ran from the shaded jar and wrote 500 rows"
