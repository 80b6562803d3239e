#!/usr/bin/env bash
# Ingest wall time, median of 3 runs each: real Fashion-MNIST (70,000 images) and a generated EMNIST-letters-shaped
# set (145,600 images). Wall time is the whole command (JVM and Spark start included) and the job's own time as
# recorded in _manifest.json ("seconds": validation + Spark write).
# Usage: bench/ingest.sh [MASTER]   (default local[2])
set -euo pipefail
cd "$(dirname "$0")/.."
master="${1:-local[2]}"
work="${BENCH_DIR:-/tmp/emnistnet-bench}"
[[ -f "$work/emnist-shaped/SHA256SUMS" ]] || /usr/bin/python3 bench/generate-emnist-shaped.py "$work/emnist-shaped"
bin/emnistnet --help >/dev/null   # build first, outside the timings

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for dataset in fashion-mnist "$work/emnist-shaped/emnist-shaped.json"; do
  walls=(); jobs=()
  for run in 1 2 3; do
    start=$(date +%s.%N)
    bin/emnistnet ingest --dataset "$dataset" --out "$work/raw" --overwrite --master "$master" >/dev/null 2>&1
    end=$(date +%s.%N)
    walls+=("$(echo "$end - $start" | bc)")
    jobs+=("$(/usr/bin/python3 -c "import json;print(json.load(open('$work/raw/_manifest.json'))['seconds'])")")
  done
  echo "$(basename "$dataset" .json): job seconds ${jobs[*]} -> median $(printf '%s\n' "${jobs[@]}" | median);" \
       "wall seconds ${walls[*]} -> median $(printf '%s\n' "${walls[@]}" | median)"
done
