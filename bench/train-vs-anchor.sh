#!/usr/bin/env bash
# Training throughput in one JVM against the PyTorch anchor, interleaved (anchor, DL4J, anchor, DL4J, ...) so that
# both see the same machine state. Needs Debian's python3-torch. BENCHMARKS.md records the medians.
#   bench/train-vs-anchor.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
bin/emnistnet --help >/dev/null
for round in $(seq "${1:-3}"); do
  echo "== round $round"
  THROUGHPUT_ONLY=1 OUT=/tmp/emnistnet-bench/anchor DATASET=fashion-mnist /usr/bin/python3 ../shared/anchors/torch_emnistnet.py 2>/dev/null | sed -n 1p
  bin/emnistnet benchmark-train --engine local --batch 256 --steps 20 2>/dev/null | grep -E "median"
  bin/emnistnet benchmark-train --engine spark --master 'local[2]' --batch 256 --steps 20 2>/dev/null | grep -E "median"
done
