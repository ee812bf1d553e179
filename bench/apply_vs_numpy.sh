#!/usr/bin/env bash
# Issue 13, item 5: `softmax apply --op softmax` on a 256 x 128256 f32 .npy (131 MB) against numpy doing the same
# job on the same file (load, softmax along the last axis in f32, save). Both run as fresh processes, alternated,
# with the input in the page cache; prints every time and the medians.
#
#   bench/apply_vs_numpy.sh [runs=5] [rows=256] [vocab=128256] [extra apply options...]
#
# Needs python3 with numpy (Debian: python3-numpy; the bench's PyTorch peer brings it).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
RUNS=${1:-5}
ROWS=${2:-256}
VOCAB=${3:-128256}
shift $(( $# < 3 ? $# : 3 ))
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK/x.npy" "$ROWS" "$VOCAB" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(13)
np.save(sys.argv[1], (rng.standard_normal((int(sys.argv[2]), int(sys.argv[3]))) * 4).astype(np.float32))
PY
cat > "$WORK/numpy_softmax.py" <<'PY'
import sys, numpy as np
x = np.load(sys.argv[1])
e = np.exp(x - x.max(axis=-1, keepdims=True))
e /= e.sum(axis=-1, keepdims=True)
np.save(sys.argv[2], e)
PY

# Build (or check) the command line once, outside the timings.
"$ROOT/softmax" info >/dev/null

python3 - "$ROOT/softmax" "$WORK" "$RUNS" "$@" <<'PY'
import statistics, subprocess, sys, time
import numpy as np
softmax, work, runs, options = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
commands = {
    "engine apply": [softmax, "apply", "--op", "softmax", "--in", f"{work}/x.npy", "--out", f"{work}/engine.npy", *options],
    "numpy": [sys.executable, f"{work}/numpy_softmax.py", f"{work}/x.npy", f"{work}/numpy.npy"],
}
times = {name: [] for name in commands}
for _ in range(runs):
    for name, command in commands.items():
        start = time.perf_counter()
        subprocess.run(command, check=True)
        times[name].append(time.perf_counter() - start)
a, b = np.load(f"{work}/engine.npy"), np.load(f"{work}/numpy.npy")
print(f"max |engine - numpy| = {np.abs(a.astype(np.float64) - b).max():.2e}")
print(f"{runs} runs each, alternated; apply options: {' '.join(options) or 'none'}")
for name, values in times.items():
    print(f"{name:>12} (s): " + " ".join(f"{v:.3f}" for v in values) + f"   median {statistics.median(values):.3f}")
ratio = statistics.median(times["engine apply"]) / statistics.median(times["numpy"])
print(f"engine / numpy (medians): {ratio:.2f}")
PY
