#!/usr/bin/env bash
# For tests on machines without GPUs: announces two fake GPUs, so that Spark's GPU scheduling path (resource
# offers, per-task addresses, our pinning code) runs for real on the CPU backend.
echo '{"name":"gpu","addresses":["0","1"]}'
