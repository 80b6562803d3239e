#!/usr/bin/env python3
"""Milliseconds per replica step of every oneDNN primitive a training step runs, from oneDNN's verbose log.

Reads the lines `DNNL_VERBOSE=1` makes (`dnnl_verbose,exec,cpu,KIND,IMPL,PROP,FORMATS,,ATTRS,SHAPE,MS` from the oneDNN
inside ND4J, 2.3; `onednn_verbose,...` from the one `LinearConvolution` calls directly, 2.5) on standard
input and prints, per primitive (kind, kernel, pass, shape, layouts), its milliseconds per replica step and calls per
step, then the totals per kind and pass. A replica step is one forward + backward of one replica's share of a
minibatch: every convolution layer runs exactly one backward-weights pass per step, so the steps are the calls of the
most frequent backward-weights primitive (warm-up steps included, which is why the run should be long enough for them
to matter little).

    DNNL_VERBOSE=1 bin/bench benchmark-train ... | python3 bench/onednn-breakdown.py
"""
import collections
import sys


def main():
    total_ms = collections.Counter()
    calls = collections.Counter()
    for line in sys.stdin:
        fields = line.rstrip("\n").split(",")
        if len(fields) < 10 or fields[0] not in ("dnnl_verbose", "onednn_verbose") or fields[1] != "exec":
            continue
        kind, impl, prop, layouts = fields[3], fields[4], fields[5], fields[6]
        shape, ms = fields[-2], float(fields[-1])
        key = (kind, impl, prop, shape, layouts)
        total_ms[key] += ms
        calls[key] += 1
    weight_passes = [n for (kind, _, prop, _, _), n in calls.items()
                     if kind == "convolution" and prop == "backward_weights"]
    if not weight_passes:
        sys.exit("onednn-breakdown: no convolution backward-weights pass in the log (was DNNL_VERBOSE=1 set?)")
    steps = max(weight_passes)
    print(f"{steps} replica steps (calls of the most frequent backward-weights convolution)")
    print(f"{'ms/step':>8} {'calls/step':>10}  primitive")
    for key, ms in sorted(total_ms.items(), key=lambda item: -item[1]):
        kind, impl, prop, shape, layouts = key
        print(f"{ms / steps:8.2f} {calls[key] / steps:10.1f}  {kind} {prop} {impl} {shape} {short(layouts)}")
    by_pass = collections.Counter()
    for (kind, _, prop, _, layouts), ms in total_ms.items():
        by_pass[reorder_direction(layouts) if kind == "reorder" else f"{kind} {prop}"] += ms
    print("totals per replica step:")
    for name, ms in sorted(by_pass.items(), key=lambda item: -item[1]):
        print(f"{ms / steps:8.2f}  {name}")
    print(f"{sum(total_ms.values()) / steps:8.2f}  all oneDNN primitives")


def layout_format(layout):
    """'src_f32::blocked:abcd:f0' -> ('src', 'abcd'); an undefined layout ('bia_undef::undef::f0') -> ('bia', 'undef')."""
    name, _, rest = layout.partition("_")
    pieces = rest.split(":")
    return name, pieces[3] if len(pieces) > 3 and pieces[3] else pieces[-2]


def short(layouts):
    """'src_f32::blocked:abcd:f0 dst_f32::blocked:acdb:f0' -> 'src abcd dst acdb'."""
    return " ".join(" ".join(layout_format(layout)) for layout in layouts.split())


def reorder_direction(layouts):
    """A reorder's layouts, e.g. 'reorder abcd -> aBcd16b' (abcd is NCHW, acdb NHWC, aBcd16b oneDNN's blocked)."""
    return "reorder " + " -> ".join(layout_format(layout)[1] for layout in layouts.split())

if __name__ == "__main__":
    main()
