"""Where a 256-image training step of the PyTorch anchor spends its time, by the same categories as
`bin/bench benchmark-train --engine profile` (issue 34): each layer kind's forward and backward pass, the loss, the
optimiser step. The model is the anchor's own (../shared/anchors/torch_emnistnet.py), on random inputs, 2 threads.

    PY=$(../shared/anchors/venv.sh); $PY bench/torch-profile.py [steps]
"""
import collections
import importlib.util
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

ANCHOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "anchors", "torch_emnistnet.py")
spec = importlib.util.spec_from_file_location("anchor", ANCHOR)
anchor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(anchor)

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
torch.set_num_threads(int(os.environ.get("THREADS", "2")))
torch.manual_seed(0)
model = anchor.EMNISTNet(classes=10)
optimizer = torch.optim.AdamW(model.parameters(), 1e-3)
x = torch.randn(256, 1, 28, 28)
y = torch.randint(0, 10, (256,))


def step():
    optimizer.zero_grad()
    F.cross_entropy(model(x), y, label_smoothing=0.1).backward()
    optimizer.step()


for _ in range(10):
    step()
start = time.perf_counter()
for _ in range(STEPS):
    step()
step_ms = (time.perf_counter() - start) * 1000 / STEPS

# The ATen operators each layer kind runs, forward and backward (self time, so nothing is counted twice).
CATEGORIES = [
    ("Convolution forward", ("mkldnn_convolution", "_convolution", "convolution", "conv2d", "_nnpack")),
    ("Convolution backward", ("convolution_backward", "mkldnn_convolution_backward")),
    ("BatchNorm forward", ("native_batch_norm", "_batch_norm_impl_index", "batch_norm")),
    ("BatchNorm backward", ("native_batch_norm_backward",)),
    ("GELU forward", ("gelu",)),
    ("GELU backward", ("gelu_backward",)),
    ("MaxPool forward", ("max_pool2d", "max_pool2d_with_indices")),
    ("MaxPool backward", ("max_pool2d_with_indices_backward",)),
    ("Dropout forward + backward", ("dropout", "bernoulli_", "native_dropout", "native_dropout_backward", "empty_like")),
    ("Dense forward", ("addmm", "linear", "t", "matmul")),
    ("Dense backward", ("mm", "sum")),
    ("Loss forward + backward", ("cross_entropy_loss", "log_softmax", "_log_softmax", "nll_loss", "nll_loss_nd",
                                 "_log_softmax_backward_data", "nll_loss_backward", "nll_loss_forward")),
    ("Optimiser (AdamW)", ("_foreach", "_fused_adamw", "lerp", "addcdiv", "addcmul", "sqrt", "mul_", "div_", "add_")),
]

with profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(STEPS):
        step()

totals = collections.OrderedDict((name, 0.0) for name, _ in CATEGORIES)
totals["other (copies, reshapes, zero_grad, autograd)"] = 0.0
for event in prof.key_averages():
    op = event.key.replace("aten::", "")
    target = "other (copies, reshapes, zero_grad, autograd)"
    for name, ops in CATEGORIES:
        if op in ops or any(op.startswith(prefix) for prefix in ops if prefix.startswith("_foreach")):
            target = name
            break
    totals[target] += event.self_cpu_time_total / 1000 / STEPS

profiled = sum(totals.values())
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads: {step_ms:.1f} ms per 256-image step unprofiled "
      f"({256 * 1000 / step_ms:.0f} images/s); {profiled:.1f} ms profiled")
for name, ms in totals.items():
    print(f"  {name:48s} {ms:7.1f} ms  {100 * ms / profiled:5.1f} %")

# The machine's limit (issue 34): MKL's sgemm rate on these threads, over the ~176 MFLOP of a training step per image.
a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
for _ in range(3):
    torch.mm(a, b)
start = time.perf_counter()
for _ in range(10):
    torch.mm(a, b)
gflops = 10 * 2 * 2048 ** 3 / (time.perf_counter() - start) / 1e9
print(f"sgemm 2048x2048: {gflops:.0f} GFLOP/s -> limit {gflops * 1e9 / 176e6:.0f} images/s at 176 MFLOP per image")
