#!/usr/bin/env bash
# Scoring throughput against ONNX Runtime's own, interleaved in one session on an otherwise idle machine, ROUNDS
# rounds (default 3) of: the inference anchors (ort_infer.py with MODEL=our model.onnx: PyTorch 2.13 eval and
# frozen on the anchor's network, ONNX Runtime on OUR exported file, batch 1024, 2 threads), Debian's PyTorch 1.13
# anchor (the old reference, when python3-torch is installed), then benchmark-score on local[2] (3 timed runs after 3 untimed per call,
# the median printed) for: the Parquet test split (10,000 images) with --engine onnx and --engine dl4j, the
# Parquet train split (54,000 images: a large set, where a Spark job's fixed cost is amortised) with --engine
# onnx, and 10,000 PNG files with --engine onnx.
# Needs lake/fashion-mnist/prepared (bin/emnistnet ingest + prepare), models/fashion-mnist/model.{zip,onnx} and
# the anchor venv (PY=$(../shared/anchors/venv.sh)). Every line it prints is kept in BENCHMARKS.md's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
prepared=lake/fashion-mnist/prepared
model=models/fashion-mnist/model.zip
pngs=/tmp/emnistnet-bench/png-10000
rounds=${ROUNDS:-3}
PY=${PY:-$(../shared/anchors/venv.sh)}
bin/emnistnet --help >/dev/null
[[ -d "$pngs" ]] || bin/emnistnet export-png --in "$prepared" --split test --out "$pngs" --n 10000 >/dev/null 2>&1
score() { bin/bench benchmark-score --model "$model" --master 'local[2]' "$@" 2>/dev/null | grep -E "median"; }
for round in $(seq 1 "$rounds"); do
  echo "== round $round $(date -u +%FT%TZ)"
  echo "ours-in-ort: $(MODEL=models/fashion-mnist/model.onnx "$PY" ../shared/anchors/ort_infer.py 2>/dev/null)"
  /usr/bin/python3 -c 'import torch' 2>/dev/null && echo "torch-1.13: $(THROUGHPUT_ONLY=1 OUT=/tmp/emnistnet-bench/anchor DATASET=fashion-mnist /usr/bin/python3 ../shared/anchors/torch_emnistnet.py 2>/dev/null | sed -n 1p)" \
    || echo "torch-1.13: not measured (Debian's python3-torch is not installed: apt-get install python3-torch)"
  echo "parquet onnx: $(score --in "$prepared" --engine onnx)"
  echo "parquet dl4j: $(score --in "$prepared" --engine dl4j)"
  echo "parquet train onnx: $(score --in "$prepared" --split train --engine onnx)"
  echo "png onnx: $(score --in "$pngs" --files --engine onnx)"
done
