#!/usr/bin/env bash
# Training and scoring throughput, DL4J against the PyTorch anchor, in one session on an otherwise idle machine.
# Needs: lake/fashion-mnist/prepared (bin/emnistnet ingest + prepare), models/fashion-mnist/model.zip, and
# Debian's python3-torch. Prints every run; BENCHMARKS.md records the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
prepared=lake/fashion-mnist/prepared
model=models/fashion-mnist/model.zip
pngs=/tmp/emnistnet-bench/png-10000
bin/emnistnet --help >/dev/null

echo "== PyTorch anchor (THROUGHPUT_ONLY=1), 3 runs"
for i in 1 2 3; do
  THROUGHPUT_ONLY=1 OUT=/tmp/emnistnet-bench/anchor DATASET=fashion-mnist /usr/bin/python3 ../shared/anchors/torch_emnistnet.py 2>/dev/null | sed -n 1p
done
echo "== DL4J training, one JVM (batch 256)"
bin/emnistnet benchmark-train --engine local --batch 256 --steps 20 2>/dev/null | grep -E "^run|median"
echo "== DL4J training, one JVM (batch 256), DL4J's stock layers (same network and maths)"
bin/emnistnet benchmark-train --engine local --batch 256 --steps 20 --stock-layers 2>/dev/null | grep -E "^run|median"
echo "== DL4J training, local[2] parameter averaging (2 workers x 128, averaging every 5)"
bin/emnistnet benchmark-train --engine spark --master 'local[2]' --batch 256 --steps 20 2>/dev/null | grep -E "^run|median"
echo "== DL4J training, local[2] parameter averaging, DL4J's stock layers (same network and maths)"
bin/emnistnet benchmark-train --engine spark --master 'local[2]' --batch 256 --steps 20 --stock-layers 2>/dev/null | grep -E "^run|median"
echo "== DL4J scoring, Parquet test split (10,000 images), local[2]"
bin/emnistnet benchmark-score --model "$model" --in "$prepared" --master 'local[2]' 2>/dev/null | grep -E "^run|median"
echo "== DL4J scoring, 10,000 PNG files, local[2]"
[[ -d "$pngs" ]] || bin/emnistnet export-png --in "$prepared" --split test --out "$pngs" --n 10000 >/dev/null 2>&1
bin/emnistnet benchmark-score --model "$model" --in "$pngs" --files --master 'local[2]' 2>/dev/null | grep -E "^run|median"
echo "== PyTorch anchor again (after)"
THROUGHPUT_ONLY=1 OUT=/tmp/emnistnet-bench/anchor DATASET=fashion-mnist /usr/bin/python3 ../shared/anchors/torch_emnistnet.py 2>/dev/null | sed -n 1p
