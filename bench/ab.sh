#!/usr/bin/env bash
# Interleaved A/B of two benchmark jars on the same machine, in the same minutes: the way to compare two commits
# on a shared, noisy host (a committed report from another day or host is no baseline).
#
#   bench/ab.sh OLD.jar NEW.jar ROUNDS 'JMH arguments'
#   bench/ab.sh /tmp/old/bench/target/benchmarks.jar bench/target/benchmarks.jar 3 \
#       'EngineBenchmark.softmax$ -p backend=AUTO -p dtype=F32 -p threads=2 -p shape=64x32000'
#
# Runs new, old, new, old, ... ROUNDS times each (JMH: 1 fork, 3 x 500 ms warm-up, 8 x 500 ms samples, -prof gc),
# then prints per configuration the median of each run and new/old on the median of the runs' medians.
# Build OLD.jar from a clone of the old commit: mvn -pl bench -am package -DskipTests.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
if [[ $# -ne 4 ]]; then sed -n '2,11p' "$0"; exit 64; fi
OLD=$1 NEW=$2 ROUNDS=$3 ARGS=$4
bench_find_jdk
OUT=$(mktemp -d)
for ((i = 1; i <= ROUNDS; i++)); do
  for side in new old; do
    jar=$OLD; [[ $side == new ]] && jar=$NEW
    # shellcheck disable=SC2086 # ARGS is a JMH argument list
    "$SOFTMAX_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
        -Djmh.ignoreLock=true -jar "$jar" $ARGS -f 1 -wi 3 -w 500ms -i 8 -r 500ms -tu ns -bm avgt -prof gc \
        -rf json -rff "$OUT/$side-$i.json" > "$OUT/$side-$i.log" 2>&1
    bench_log "ab: round $i $side done"
  done
done
python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def load(path):
    result = {}
    for r in json.load(open(path)):
        key = r['benchmark'].split('.')[-1] + ' ' + ' '.join(f'{k}={v}' for k, v in sorted(r.get('params', {}).items()))
        result[key] = statistics.median(x for fork in r['primaryMetric']['rawData'] for x in fork)
    return result
runs = {side: [load(f'{out}/{side}-{i}.json') for i in range(1, rounds + 1)] for side in ('old', 'new')}
for key in runs['old'][0]:
    old = [run[key] for run in runs['old']]
    new = [run[key] for run in runs['new']]
    print(f"{key}: old {' / '.join(f'{v / 1000:.4g}' for v in old)} us; new {' / '.join(f'{v / 1000:.4g}' for v in new)} us;"
          f" new/old {statistics.median(new) / statistics.median(old):.3f}")
PY
echo "raw JMH output: $OUT"
