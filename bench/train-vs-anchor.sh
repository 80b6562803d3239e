#!/usr/bin/env bash
# Training throughput against the PyTorch anchor, interleaved (anchor, DL4J, anchor, DL4J, ...) so that both see
# the same machine state: one JVM (DL4J's fit; and each minibatch split over 2 single-core replicas, ReplicaFit),
# training on local[2] as `train` does by default there (1 worker x 256 over 2 single-core replicas), and parameter
# averaging on local[2] with 2 workers x 128 averaging every 5 minibatches and every minibatch. The anchor is
# PyTorch 2.13 (MKL + oneDNN) from the venv of ../shared/anchors/venv.sh (PY=...), with Debian's PyTorch 1.13
# (python3-torch) beside it as the old reference when installed, so that earlier ratios stay comparable. BENCHMARKS.md
# records the medians. Parameter averaging runs 60 steps (of 2 x 128) per timed epoch, so that the per-epoch costs
# (staging the minibatches, a new training master) weigh about as they do in a real epoch of 211 rounds.
#   bench/train-vs-anchor.sh [rounds]
#   FREQUENCIES="1" bench/train-vs-anchor.sh [rounds]                   # parameter averaging every minibatch only
#   BASELINE=/path/to/other/checkout bench/train-vs-anchor.sh [rounds]   # also times that (built) checkout's
#                                                                        # parameter averaging, for before/after
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-$(../shared/anchors/venv.sh)}
bin/bench --help >/dev/null # builds the project when needed
# A checkout's lab launcher: bin/bench, or bin/emnistnet in checkouts from before the lab had its own
lab() { if [[ -x "$1/bin/bench" ]]; then echo "$1/bin/bench"; else echo "$1/bin/emnistnet"; fi; }
anchor() { # $1: python
  THROUGHPUT_ONLY=1 OUT=/tmp/emnistnet-bench/anchor DATASET=fashion-mnist "$1" ../shared/anchors/torch_emnistnet.py 2>/dev/null | sed -n 1p
}
spark_runs() { # $1: checkout
  echo "-- $1: local[2], 1 worker x 256 over 2 single-core replicas, rounds of 10 (the default on a local master)"
  EMNISTNET_SKIP_BUILD=1 "$(lab "$1")" benchmark-train --engine spark --master 'local[2]' --workers 1 --batch 256 --steps 60 \
    --averaging-frequency 10 2>/dev/null | grep -E "median"
  for frequency in ${FREQUENCIES:-5 1}; do
    echo "-- $1: local[2], 2 x 128, averaging every $frequency"
    EMNISTNET_SKIP_BUILD=1 "$(lab "$1")" benchmark-train --engine spark --master 'local[2]' --batch 256 --steps 60 \
      --averaging-frequency "$frequency" 2>/dev/null | grep -E "median"
  done
}
for round in $(seq "${1:-3}"); do
  echo "== round $round"
  echo "anchor PyTorch 2.13: $(anchor "$PY")"
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then echo "old reference PyTorch 1.13: $(anchor /usr/bin/python3)"; fi
  echo "-- one JVM: DL4J's fit, and each minibatch split over 2 single-core replicas (ReplicaFit), alternated"
  EMNISTNET_SKIP_BUILD=1 bin/bench benchmark-train --engine local --batch 256 --steps 20 --replicas 2 2>/dev/null | grep -E "one JVM, "
  spark_runs .
  if [[ -n "${BASELINE:-}" ]]; then
    spark_runs "$BASELINE"
  fi
done
