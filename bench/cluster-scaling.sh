#!/usr/bin/env bash
# Training images/s and accuracy on a real standalone cluster (bin/cluster, 127.0.0.1): 1 worker x 1 core against
# 2 workers x 1 core, same data (--limit images), same epochs. Needs lake/fashion-mnist/prepared.
# Usage: bench/cluster-scaling.sh [LIMIT] [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-12000}"; epochs="${2:-2}"
work=/tmp/emnistnet-bench/cluster; secret="bench-$RANDOM"
prepared="$(pwd)/lake/fashion-mnist/prepared"
for workers in 1 2; do
  rm -rf "$work/run-$workers"
  bin/cluster start --workers "$workers" --cores 1 --memory 4g --port 7277 --secret "$secret" --dir "$work/cluster" >/dev/null
  bin/submit --master spark://127.0.0.1:7277 --properties-file conf/spark-defaults.cluster.conf \
    --conf spark.authenticate.secret="$secret" --conf spark.executor.memory=2g --conf spark.executor.memoryOverhead=2g ${EXTRA_CONF:-} \
    --class org.emnistnet.jobs.TrainJob "$(bin/submit --app-jar)" --in "$prepared" --run "$work/run-$workers" \
    --epochs "$epochs" --limit "$limit" --workers "$workers" 2>/dev/null | grep -E "^train:"
  bin/cluster stop --dir "$work/cluster" >/dev/null
  /usr/bin/python3 -c "
import json, statistics
h = json.load(open('$work/run-$workers/history.json')); m = json.load(open('$work/run-$workers/model.json'))
print('workers $workers: images/s per epoch', [round(e['images_per_s']) for e in h], 'median', round(statistics.median(e['images_per_s'] for e in h)),
      '| val', round(m['val_accuracy'], 4), 'test', round(m['test_accuracy'], 4))
for e in h:
    busy = e['worker_fit_seconds'] / $workers
    print('  epoch %d: pass %.1f s, each worker inside fit %.1f s (%.0f %%), outside fit %.1f s' % (
          e['epoch'], e['fit_seconds'], busy, 100 * busy / e['fit_seconds'], e['fit_seconds'] - busy))"
done
