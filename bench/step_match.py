"""PyTorch's side of a step-by-step comparison with DL4J (bench/java/StepMatch.java writes DL4J's side first): the
anchor's EMNISTNet (sigmoid GELU, no dropout) started from DL4J's initial parameters, trained with the anchor's AdamW +
OneCycleLR on the same minibatches (the first Fashion-MNIST training images in file order, no augmentation), and its
per-step losses printed next to DL4J's.
Run: bench/java.sh StepMatch 70 71 /tmp/sm && /usr/bin/python3 bench/step_match.py /tmp/sm 70 71 [decay=all|weights]
"""
import os, sys, numpy as np, torch, torch.nn as nn
os.environ["GELU"] = "sigmoid"; os.environ["DROP"] = "0"
import importlib.util
spec = importlib.util.spec_from_file_location("probe", os.path.join(os.path.dirname(os.path.abspath(__file__)), "anchor_variants.py")); P = importlib.util.module_from_spec(spec); spec.loader.exec_module(P)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from dl4j_params import layers, load_into
out, steps, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
decay = sys.argv[4] if len(sys.argv) > 4 else "all"
torch.set_num_threads(int(os.environ.get("THREADS", "2")))

def load(m, path):
    load_into(m, torch.from_numpy(np.fromfile(path, dtype="<f4").copy()))

def flat(m):  # DL4J's order, trainable parameters only (the running statistics are left out of the comparison)
    parts = []
    for x in layers(m):
        if isinstance(x, nn.Conv2d): parts.append(("conv", x.weight.detach().flatten()))
        elif isinstance(x, nn.Linear): parts += [("dense W", x.weight.detach().flatten()), ("dense b", x.bias.detach())] 
        else: parts += [("bn gamma", x.weight.detach()), ("bn beta", x.bias.detach()), ("bn stats", None)]
    return parts

def dl4j_parts(path, m):
    data = torch.from_numpy(np.fromfile(path, dtype="<f4").copy()); off = 0; res = []
    for name, t in flat(m):
        k = t.numel() if t is not None else None
        if name == "bn stats":
            c = res[-1][1].numel(); off += 2 * c; continue
        res.append((name, data[off:off + k])); off += k
    return res

torch.manual_seed(int(os.environ.get("SEED", "0")))
m = P.EMNISTNet(10)
if os.environ.get("INIT") != "torch":  # INIT=torch: PyTorch's own initialisation instead of DL4J's
    load(m, os.path.join(out, "init.bin"))
m.train()
D = "/usr/share/datasets/fashion-mnist"
xtr, ytr = P.read_idx(D + "/train-images-idx3-ubyte.gz"), P.read_idx(D + "/train-labels-idx1-ubyte.gz")
xtr, ytr = (xtr.float() / 255.0).unsqueeze(1), ytr.long()
if decay == "all":
    groups = m.parameters()
else:  # as DL4J: conv and dense weights only
    w = [x.weight for x in layers(m) if isinstance(x, (nn.Conv2d, nn.Linear))]
    ids = {id(p) for p in w}
    groups = [{"params": w}, {"params": [p for p in m.parameters() if id(p) not in ids], "weight_decay": 0.0}]
opt = torch.optim.AdamW(groups, lr=3e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=total)
crit = nn.CrossEntropyLoss(label_smoothing=0.1)
dl4j = [float(l.split()[1]) for l in open(os.path.join(out, "dl4j_losses.txt"))]
for s in range(steps):
    xb, yb = xtr[s * 256:(s + 1) * 256], ytr[s * 256:(s + 1) * 256]
    opt.zero_grad(); loss = crit(m(xb), yb); loss.backward(); opt.step(); sched.step()
    print(f"{s:3d}  torch {loss.item():.5f}  dl4j {dl4j[s]:.5f}  diff {dl4j[s] - loss.item():+.5f}", flush=True)
    if s == 0:
        ref = P.EMNISTNet(10); load(ref, os.path.join(out, "init.bin"))
        init = [t for n, t in flat(ref) if t is not None]
        mine = [(n, t) for n, t in flat(m) if t is not None]
        theirs = dl4j_parts(os.path.join(out, "step1.bin"), m)
        for i, ((name, a), (_, b), a0) in enumerate(zip(mine, theirs, init)):
            da, db = a - a0, b - a0
            rel = (da - db).norm() / (da.norm() + 1e-30)
            print(f"   step 1, param {i:2d} {name:8s}: |torch step| {da.norm():.3e}  |dl4j step| {db.norm():.3e}  relative difference {rel:.3e}")
