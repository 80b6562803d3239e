#!/usr/bin/env bash
# Training throughput of one JVM with each ND4J native build: the default oneDNN+AVX2 one and oneDNN+AVX-512.
#   bench/native-variant.sh [runs] [steps]
# Swaps the native jar on the project's classpath (both classifiers must be in ~/.m2: mvn dependency:get
# -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64-onednn-avx512) and runs benchmark-train --engine local.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/build.sh"
build_if_needed
runs="${1:-3}"
steps="${2:-10}"
base_cp="$root/bench/target/classes:$root/jobs/target/classes:$root/pipeline-core/target/classes:$(cat "$classpath_file")"
for variant in avx2 avx512 avx2 avx512; do
  cp="${base_cp//linux-x86_64-onednn-avx2.jar/linux-x86_64-onednn-$variant.jar}"
  echo "== oneDNN + $variant"
  java "${jvm_opens[@]}" -Xmx4g -cp "$cp" org.emnistnet.bench.BenchCommand benchmark-train --engine local \
      --runs "$runs" --steps "$steps" 2>&1 | grep -E "images/s|backend|median" || true
done
