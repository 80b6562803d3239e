#!/usr/bin/env bash
# A large image folder against a small one, with a 2 GB driver: files/s and the JVM's peak memory for 10,000 PNG
# files and for 100,000 (ten copies of the same 10,000 in ten subfolders), interleaved with ONNX Runtime's own
# throughput on our exported model, ROUNDS rounds (default 3) on an otherwise idle machine. The figure to watch:
# the large folder at the small one's files/s, its peak RSS no higher (the listing is the only part that grows
# with the folder, and it is ~100 bytes a file).
# Needs lake/fashion-mnist/prepared (bin/emnistnet ingest + prepare), models/fashion-mnist/model.{zip,onnx} and the
# anchor venv (PY=$(../shared/anchors/venv.sh)). Every line it prints is kept in BENCHMARKS.md's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
prepared=lake/fashion-mnist/prepared
model=models/fashion-mnist/model.zip
small=/tmp/emnistnet-bench/png-10000
large=/tmp/emnistnet-bench/png-100000
rounds=${ROUNDS:-3}
PY=${PY:-$(../shared/anchors/venv.sh)}
bin/emnistnet --help >/dev/null
[[ -d "$small" ]] || bin/emnistnet export-png --in "$prepared" --split test --out "$small" --n 10000 >/dev/null 2>&1
if [[ ! -d "$large" ]]; then
  for i in $(seq 0 9); do
    mkdir -p "$large/part-$i"
    find "$small" -maxdepth 1 -name '*.png' -exec cp -t "$large/part-$i" {} +
  done
fi
export EMNISTNET_DRIVER_MEMORY=2g
score() { # the median of 3 runs, and the peak RSS of the JVM that ran them
  /usr/bin/time -f "peak-rss-kb %M" bin/bench benchmark-score --model "$model" --master 'local[2]' --engine onnx \
    --files --in "$1" 2>&1 | grep -E "median|peak-rss-kb" | tr '\n' ' '
}
for round in $(seq 1 "$rounds"); do
  echo "== round $round $(date -u +%FT%TZ)"
  echo "ours-in-ort: $(MODEL=models/fashion-mnist/model.onnx "$PY" ../shared/anchors/ort_infer.py 2>/dev/null | tr '\n' ' ')"
  echo "png 10000: $(score "$small")"
  echo "png 100000: $(score "$large")"
done
