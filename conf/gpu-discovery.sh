#!/usr/bin/env bash
# Spark resource discovery: prints the GPUs of this machine as {"name":"gpu","addresses":["0","1",...]}.
set -euo pipefail
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
