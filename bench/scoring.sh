#!/usr/bin/env bash
# Scoring throughput against the PyTorch anchor's inference, in one session on an otherwise idle machine:
# anchor (THROUGHPUT_ONLY=1) x3, DL4J scoring of the Parquet test split and of 10,000 PNG files (3 runs each,
# benchmark-score prints them and their median), anchor x1 again. Needs lake/fashion-mnist/prepared,
# models/fashion-mnist/model.zip and Debian's python3-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
prepared=lake/fashion-mnist/prepared
model=models/fashion-mnist/model.zip
pngs=/tmp/emnistnet-bench/png-10000
anchor() {
  THROUGHPUT_ONLY=1 OUT=/tmp/emnistnet-bench/anchor DATASET=fashion-mnist /usr/bin/python3 ../shared/anchors/torch_emnistnet.py 2>/dev/null | sed -n 1p
}
bin/emnistnet --help >/dev/null
[[ -d "$pngs" ]] || bin/emnistnet export-png --in "$prepared" --split test --out "$pngs" --n 10000 >/dev/null 2>&1
echo "== PyTorch anchor (THROUGHPUT_ONLY=1), 3 runs"
for i in 1 2 3; do anchor; done
echo "== DL4J scoring, Parquet test split (10,000 images), local[2]"
bin/emnistnet benchmark-score --model "$model" --in "$prepared" --master 'local[2]' 2>/dev/null | grep -E "^run|median"
echo "== DL4J scoring, 10,000 PNG files, local[2]"
bin/emnistnet benchmark-score --model "$model" --in "$pngs" --files --master 'local[2]' 2>/dev/null | grep -E "^run|median"
echo "== PyTorch anchor again (after)"
anchor
