#!/usr/bin/env python3
"""Parameter averaging on W workers, on paper: images/s for W = 1..32 at averaging frequency F = 1, 5, 20.

One round = every worker fits F minibatches of B images from the same parameters, then the driver averages.
    round_s(W, F) = F * B / r  +  c0  +  broadcast(W)  +  collect(W)
    images/s      = W * F * B / round_s(W, F)
  r          images/s one worker core computes (measured here: DL4J fit times on the standalone cluster)
  c0         fixed cost of a round on the driver and the executors: job and task scheduling, the worker
             deserialising the broadcast network, result bookkeeping (measured here, 1 worker, HDFS staging)
  state      bytes each worker sends back and the driver broadcasts: parameters + Adam's two moments
  broadcast  Spark's TorrentBroadcast: the driver serves ~one copy, peers serve the rest: log2(W + 1) hops
  collect    dl4j-spark sums results with treeAggregate (depth 2): ~sqrt(W) states into each partial
             aggregator and ~sqrt(W) partial sums into the driver, each paid in transfer + (de)serialisation
Usage: bench/scaling-model.py [r] [c0_ms] [bandwidth_GB_s] [batch_per_worker]
"""
import math, sys

r = float(sys.argv[1]) if len(sys.argv) > 1 else 290.0        # images/s per worker core
c0 = (float(sys.argv[2]) if len(sys.argv) > 2 else 200.0) / 1e3
bandwidth = (float(sys.argv[3]) if len(sys.argv) > 3 else 1.25) * 1e9  # 10 Gbit/s
batch = int(sys.argv[4]) if len(sys.argv) > 4 else 128
state = 591_000 * 4 * 3                                         # parameters + Adam m and v, float32: ~7.1 MB
serde = state / 0.7e9                                           # bulk Kryo: ~0.7 GB/s per copy (NdArrayCodec)
transfer = state / bandwidth + serde

def round_seconds(w, f):
    broadcast = transfer * math.ceil(math.log2(w + 1))
    collect = 2 * math.ceil(math.sqrt(w)) * transfer
    return f * batch / r + c0 + broadcast + collect, broadcast + collect

print(f"r = {r:.0f} images/s per worker, c0 = {c0*1e3:.0f} ms, state = {state/1e6:.1f} MB, "
      f"bandwidth = {bandwidth/1e9:.2f} GB/s, batch per worker = {batch}")
print("| workers | F=1 images/s | F=5 | F=20 | ideal (W x r) | F=1 comm. ms/round | overhead share of a round at F=1 |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for w in (1, 2, 4, 8, 16, 32):
    row = []
    for f in (1, 5, 20):
        seconds, comm = round_seconds(w, f)
        row.append(w * f * batch / seconds)
    seconds, comm = round_seconds(w, 1)
    print(f"| {w} | {row[0]:,.0f} | {row[1]:,.0f} | {row[2]:,.0f} | {w*r:,.0f} | {comm*1e3:.0f} | "
          f"{(c0 + comm) / seconds:.0%} |")
# The frequency at which the round's fixed and communication costs fall under 5 % of its compute
for w in (8, 32):
    _, comm = round_seconds(w, 1)
    f = math.ceil((c0 + comm) / (0.05 * batch / r))
    print(f"W={w}: communication and fixed costs under 5 % of a round from F = {f}")
