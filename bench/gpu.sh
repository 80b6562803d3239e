#!/usr/bin/env bash
# The GPU check for your own GPU machine (docs/gpu.md): what the machine has, whether every Spark task
# gets a GPU and ND4J's CUDA backend, and how fast training and scoring run there on the GPU against the CPU build
# on the same machine's cores. Prints one summary table at the end. Fails loudly (exit 1) on anything missing;
# never falls back to the CPU without saying so.
#
#   bench/gpu.sh              the whole check (needs nvidia-smi, the NVIDIA driver and the CUDA 11.6 runtime)
#   bench/gpu.sh --cpu-only   only the CPU build's steps (what a machine without a GPU can run)
#
# The CUDA build goes to a separate worktree (work/cuda-build), so this checkout keeps its CPU build.
set -euo pipefail
cd "$(dirname "$0")/.."
cpu_only=false; [[ "${1:-}" == "--cpu-only" ]] && cpu_only=true
prepared=lake/fashion-mnist/prepared
summary=()
row() { summary+=("$(printf '| %-44s | %s |' "$1" "$2")"); }
fail() { echo "bench/gpu.sh: $*" >&2; exit 1; }

echo "== machine"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; java: $(java -version 2>&1 | head -1)"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi
  row "GPUs" "$(nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader | paste -sd';' -)"
  row "driver / CUDA" "$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1) / $(nvidia-smi | grep -o 'CUDA Version: [0-9.]*' | head -1)"
elif $cpu_only; then
  echo "no nvidia-smi: running the CPU build's steps only"
  row "GPUs" "none (--cpu-only)"
else
  fail "nvidia-smi not found: no NVIDIA driver on this machine (use --cpu-only to run the CPU steps)"
fi

echo "== data"
if [[ ! -f "$prepared/_manifest.json" ]]; then
  bin/emnistnet ingest --dataset fashion-mnist --out lake/fashion-mnist/raw
  bin/emnistnet prepare --in lake/fashion-mnist/raw --out "$prepared"
fi

echo "== CPU build on this machine's cores"
cpu_train=$(bin/bench benchmark-train --engine local --batch 256 --steps 20 2>/dev/null | grep median)
cpu_score=$(bin/bench benchmark-score --model models/fashion-mnist/model.zip --in "$prepared" --master "local[*]" 2>/dev/null | grep median)
echo "$cpu_train"; echo "$cpu_score"
row "CPU build, training, one JVM" "$(grep -o 'median [0-9]* images/s' <<<"$cpu_train")"
row "CPU build, scoring the test split" "$(grep -o 'median [0-9]* images/s' <<<"$cpu_score")"

if ! $cpu_only; then
  echo "== CUDA build (work/cuda-build)"
  [[ -d work/cuda-build ]] || git worktree add --detach work/cuda-build HEAD
  (cd work/cuda-build && mvn -B -q -Pcuda -DskipTests package)
  gpus=$(nvidia-smi --query-gpu=index --format=csv,noheader | wc -l)
  gpu_conf=(--conf spark.driver.resource.gpu.amount="$gpus" --conf spark.driver.resource.gpu.discoveryScript="$PWD/conf/gpu-discovery.sh"
            --conf spark.task.resource.gpu.amount=1)
  echo "== gpu-check: every task must get a GPU address and the CUDA backend"
  check=$(cd work/cuda-build && EMNISTNET_SKIP_BUILD=1 bin/emnistnet gpu-check --tasks "$gpus" --master "local[$gpus]" "${gpu_conf[@]}")
  echo "$check"
  grep -q "gpu none" <<<"$check" && fail "a task got no GPU address"
  grep -q "backend CUDA" <<<"$check" || fail "the tasks did not run ND4J's CUDA backend"
  row "gpu-check" "$(grep -c 'backend CUDA' <<<"$check") task(s) on CUDA: $(grep -o 'gpu [0-9]*' <<<"$check" | paste -sd, -)"
  echo "== 1 epoch of Fashion-MNIST on the GPU"
  rm -rf work/gpu-run
  (cd work/cuda-build && EMNISTNET_SKIP_BUILD=1 bin/emnistnet train --in "$PWD/../../$prepared" --run "$PWD/../gpu-run" \
      --epochs 1 --workers 1 --master "local[1]" "${gpu_conf[@]}")
  row "GPU, 1 epoch, test accuracy" "$(grep -o '"test_accuracy" : [0-9.]*' work/gpu-run/model.json)"
  row "GPU, 1 epoch, images/s" "$(grep -o '"images_per_s" : [0-9.]*' work/gpu-run/history.json | head -1)"
  echo "== 1 epoch on a 2-executor standalone cluster (one GPU each; with one GPU, both executors share it)"
  cluster_dir="$PWD/work/gpu-cluster"; rm -rf work/gpu-cluster-run
  (cd work/cuda-build && EMNISTNET_SKIP_BUILD=1 bin/cluster start --workers 2 --cores 1 --memory 6g --port 7377 \
      --gpus "$gpus" --gpu-discovery "$PWD/conf/gpu-discovery.sh" --dir "$cluster_dir" >/dev/null)
  trap 'bin/cluster stop --dir "$cluster_dir" >/dev/null 2>&1 || true' EXIT
  trap 'exit 1' INT TERM HUP # through the EXIT trap on a signal too
  (cd work/cuda-build && EMNISTNET_SKIP_BUILD=1 bin/submit --cluster-dir "$cluster_dir" --master spark://127.0.0.1:7377 \
      --properties-file conf/spark-defaults.gpu.conf --conf spark.executor.cores=1 --conf spark.executor.memory=4g \
      --conf spark.executor.memoryOverhead=4g --conf spark.executor.resource.gpu.discoveryScript="$PWD/conf/gpu-discovery.sh" \
      --conf spark.driver.resource.gpu.amount=1 --conf spark.driver.resource.gpu.discoveryScript="$PWD/conf/gpu-discovery.sh" \
      --class org.emnistnet.jobs.TrainJob "$(bin/submit --app-jar)" \
      --in "$PWD/../../$prepared" --run "$PWD/../gpu-cluster-run" --epochs 1 --workers 2) \
    || fail "training on the 2-executor GPU cluster failed (logs: $cluster_dir)"
  bin/cluster stop --dir "$cluster_dir" >/dev/null
  row "GPU cluster, 2 executors, 1 epoch, test accuracy" "$(grep -o '"test_accuracy" : [0-9.]*' work/gpu-cluster-run/model.json)"
  row "GPU cluster, 2 executors, 1 epoch, images/s" "$(grep -o '"images_per_s" : [0-9.]*' work/gpu-cluster-run/history.json | head -1)"
  echo "== scoring the test split on the GPU"
  gpu_score=$(cd work/cuda-build && EMNISTNET_SKIP_BUILD=1 bin/bench benchmark-score --model "$PWD/../../models/fashion-mnist/model.zip" \
      --in "$PWD/../../$prepared" --master "local[1]" "${gpu_conf[@]}" | grep median)
  row "GPU, scoring the test split" "$(grep -o 'median [0-9]* images/s' <<<"$gpu_score")"
fi

echo
echo "| what | result |"
echo "| --- | --- |"
printf '%s\n' "${summary[@]}"
