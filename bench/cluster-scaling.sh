#!/usr/bin/env bash
# Training images/s and accuracy on a real standalone cluster (bin/cluster, 127.0.0.1) with the data and the run
# directories on a real HDFS (bin/hdfs, started and stopped here), so that every epoch's minibatches are staged on
# HDFS and every averaging round is one partition per worker: 1 worker x 1 core against 2 workers x 1 core, same
# data (--limit images), same epochs, REPEATS runs each. Needs lake/fashion-mnist/raw (bin/emnistnet ingest).
# Usage: bench/cluster-scaling.sh [LIMIT] [EPOCHS] [REPEATS]     (STAGING=none: no HDFS, minibatches through Spark)
# MASTER=local: the same measurement without a cluster: local[1] with 1 worker against local[2] with 2 workers
# (one core each, averaging every minibatch: the local default), the data, run directories and --staging on the
# HDFS. For a 2-core machine, where 2 executors, the driver and the HDFS daemons cannot each have a core.
# WORKERS="2": only that setting; EXTRA_CONF="--conf k=v ...": more Spark settings for the cluster jobs.
# EXECUTOR_OPTS="-Dk=v ...": JVM options for the executors (spark.executor.defaultJavaOptions), e.g.
# -Demnistnet.directOneDnn=false for the convolutions on ND4J's ops.
# STATS=1: DL4J's own timings of every averaging round in the output, per epoch (the epoch's staging job, each
# round's broadcast and job, each worker's model set-up and minibatches). DL4J's executors then ask for the time:
# an NTP server by default, which offline fails the job, so the driver and executors get the system clock.
# YARN=1: the same on a real single-node YARN with its own HDFS (bin/yarn, started and stopped here): every job in
# cluster deploy mode (the driver in the ApplicationMaster), 1 against 2 executors of 1 core.
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-12000}"; epochs="${2:-2}"; repeats="${3:-1}"
work=/tmp/emnistnet-bench/cluster
raw="$(pwd)/lake/fashion-mnist/raw"
phases="^train:|staging|through Spark"
if [[ -n "${STATS:-}" ]]; then
  time_source="-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"
  EXECUTOR_OPTS="${EXECUTOR_OPTS:-} $time_source"
  driver_opts="-Demnistnet.trainingStats=true $time_source"
  export JAVA_OPTS="${JAVA_OPTS:-} $driver_opts" # the driver on a standalone cluster (bin/submit's JVM) and local jobs
  phases="$phases|training phases|TimesMs|TimeMs"
fi
executor_conf=()
[[ -z "${EXECUTOR_OPTS:-}" ]] || executor_conf=(--conf "spark.executor.defaultJavaOptions=$EXECUTOR_OPTS")
mkdir -p "$work"; rm -rf "$work/hdfs" "$work"/run-* "$work"/*.json
mode="${MASTER:-cluster}"
[[ -z "${YARN:-}" ]] || mode=yarn
submit() {
  if [[ "$mode" == "yarn" ]]; then
    HADOOP_CONF_DIR="$work/yarn/conf" bin/submit --master yarn --deploy-mode cluster --properties-file conf/spark-defaults.cluster.conf \
      --num-executors "$workers" --executor-cores 1 --driver-memory 2g --conf spark.executor.memory=2g \
      --conf spark.executor.memoryOverhead=2g ${EXTRA_CONF:-} "${executor_conf[@]}" \
      ${STATS:+--conf "spark.driver.defaultJavaOptions=$driver_opts"} --class "org.emnistnet.jobs.$1" "$(bin/submit --app-jar)" "${@:2}"
    return
  fi
  bin/submit --cluster-dir "$work/cluster" --master spark://127.0.0.1:7277 --properties-file conf/spark-defaults.cluster.conf \
    --conf spark.executor.memory=2g --conf spark.executor.memoryOverhead=2g ${EXTRA_CONF:-} "${executor_conf[@]}" \
    --class "org.emnistnet.jobs.$1" "$(bin/submit --app-jar)" "${@:2}"
}
# Every service this script starts is stopped on every way out (a failed step included): one trap for both.
stop_services() {
  [[ -f "$work/cluster/master.pid" ]] && bin/cluster stop --dir "$work/cluster" >/dev/null 2>&1
  [[ -f "$work/hdfs/hdfs.pid" ]] && bin/hdfs stop --dir "$work/hdfs" >/dev/null 2>&1
  [[ -f "$work/yarn/yarn.pid" ]] && bin/yarn stop --dir "$work/yarn" >/dev/null 2>&1
  return 0
}
trap stop_services EXIT
trap 'exit 1' INT TERM HUP # a signal ends the script through its EXIT trap (bash skips it otherwise)
hdfs_dir="$work/hdfs"
if [[ "$mode" == "yarn" ]]; then
  rm -rf "$work/yarn"
  hdfs="$(bin/yarn start --dir "$work/yarn" | sed -n 's/.*; hdfs: //p')"
  base="$hdfs"; hdfs_dir="$work/yarn"; raw="file://$raw"   # the driver runs in a container on this host
elif [[ "${STAGING:-hdfs}" == "hdfs" ]]; then
  hdfs="$(bin/hdfs start --dir "$work/hdfs")"
  base="$hdfs"
else
  base="file:$work"
fi
local_job() {  # a job on local[N], N = $workers; every path it is given is a full hdfs:// URL
  EMNISTNET_SKIP_BUILD=1 bin/emnistnet "$1" --master "local[$workers]" "${@:2}"
}
rm -f "$work/prepared.ok"
for workers in ${WORKERS:-1 2}; do
  if [[ "$mode" == "local" ]]; then
    [[ "${STAGING:-hdfs}" == "hdfs" ]] || { echo "MASTER=local measures HDFS staging only" >&2; exit 2; }
    [[ -f "$work/prepared.ok" ]] || { local_job prepare --in "$raw" --out "$base/lake/prepared" 2>/dev/null | grep "^prepare:"; touch "$work/prepared.ok"; }
  elif [[ "$mode" == "yarn" ]]; then
    [[ -f "$work/prepared.ok" ]] || { submit PrepareJob --in "$raw" --out "$base/lake/prepared" >/dev/null 2>&1; touch "$work/prepared.ok"; }
  else
    bin/cluster start --workers "$workers" --cores 1 --memory 4g --port 7277 --dir "$work/cluster" >/dev/null
    [[ -f "$work/prepared.ok" ]] || { submit PrepareJob --in "$raw" --out "$base/lake/prepared" --overwrite 2>/dev/null | grep "^prepare:"; touch "$work/prepared.ok"; }
  fi
  for r in $(seq 1 "$repeats"); do
    run="$base/runs/w$workers-$r"
    if [[ "$mode" == "local" ]]; then
      local_job train --in "$base/lake/prepared" --run "$run" --staging "$base/staging" --epochs "$epochs" --limit "$limit" --workers "$workers"
    else
      submit TrainJob --in "$base/lake/prepared" --run "$run" --epochs "$epochs" --limit "$limit" --workers "$workers"
    fi 2>&1 | { grep -E "$phases" || true; } | sed -E 's/^.*INFO  (TrainingRun|ParameterAveragingTrainer): //'
    if [[ "${STAGING:-hdfs}" == "hdfs" ]]; then
      bin/hdfs dfs --dir "$hdfs_dir" -get "$run/history.json" "$work/history-w$workers-$r.json" 2>/dev/null
      bin/hdfs dfs --dir "$hdfs_dir" -get "$run/model.json" "$work/model-w$workers-$r.json" 2>/dev/null
    else
      cp "$work/runs/w$workers-$r/history.json" "$work/history-w$workers-$r.json"; cp "$work/runs/w$workers-$r/model.json" "$work/model-w$workers-$r.json"
    fi
  done
  [[ "$mode" != "cluster" ]] || bin/cluster stop --dir "$work/cluster" >/dev/null
  /usr/bin/python3 - "$work" "$workers" "$repeats" "$mode" <<'PY'
import json, statistics, sys
work, workers, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rates, outside, tests = [], [], []
for r in range(1, repeats + 1):
    h = json.load(open(f"{work}/history-w{workers}-{r}.json")); m = json.load(open(f"{work}/model-w{workers}-{r}.json"))
    tests.append(m["test_accuracy"])
    for e in h:
        busy = e["worker_fit_seconds"] / workers
        per_round = (e["fit_seconds"] - busy) / max(1, e.get("rounds", 0) or 1)
        print("  run %d epoch %d: %.0f images/s, pass %.1f s, each worker inside fit %.1f s (%.0f %%), outside fit %.1f s = %.0f ms a round (%d rounds)"
              % (r, e["epoch"], e["images_per_s"], e["fit_seconds"], busy, 100 * busy / e["fit_seconds"], e["fit_seconds"] - busy,
                 1000 * per_round, e.get("rounds", 0)))
        if e["epoch"] > 1:  # epoch 1 carries JIT warm-up and the first reads
            rates.append(e["images_per_s"]); outside.append(1000 * per_round)
print("%s workers %d: images/s per epoch after the first %s median %.0f | outside fit per round median %.0f ms | test accuracy %s"
      % (sys.argv[4], workers, [round(x) for x in rates], statistics.median(rates), statistics.median(outside), [round(t, 4) for t in tests]))
PY
done
