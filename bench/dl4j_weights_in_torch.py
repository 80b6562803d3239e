"""A DL4J EMNISTNet model.zip loaded into the anchor's PyTorch EMNISTNet (sigmoid GELU): its test accuracy (checks the
transfer) and PyTorch's train-mode loss on its weights, with and without augmentation and dropout.
Run: /usr/bin/python3 bench/dl4j_weights_in_torch.py [model.zip]   (BENCHMARKS.md, "The training-loss gap")
"""
import os, json, numpy as np, torch, torch.nn as nn, math
os.environ["GELU"] = "sigmoid"
import importlib.util
spec = importlib.util.spec_from_file_location("probe", os.path.join(os.path.dirname(os.path.abspath(__file__)), "anchor_variants.py")); P = importlib.util.module_from_spec(spec); spec.loader.exec_module(P)
import sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from dl4j_params import load_into
torch.manual_seed(0)
import sys, zipfile; d = "/tmp/emnistnet-xfer"; zipfile.ZipFile(sys.argv[1] if len(sys.argv) > 1 else "models/fashion-mnist/model.zip").extractall(d); b = open(d + "/coefficients.bin", "rb").read(); n = 586538
data = torch.from_numpy(np.frombuffer(b[len(b) - 4 * n:], dtype=">f4").astype(np.float32).copy())
m = P.EMNISTNet(10); load_into(m, data)
D = "/usr/share/datasets/fashion-mnist"
xtr, ytr = P.read_idx(D + "/train-images-idx3-ubyte.gz"), P.read_idx(D + "/train-labels-idx1-ubyte.gz")
xte, yte = P.read_idx(D + "/t10k-images-idx3-ubyte.gz"), P.read_idx(D + "/t10k-labels-idx1-ubyte.gz")
prep = lambda x: (x.float() / 255.0).unsqueeze(1)
xtr, xte, ytr, yte = prep(xtr), prep(xte), ytr.long(), yte.long()
crit = nn.CrossEntropyLoss(label_smoothing=0.1)
m.eval()
with torch.no_grad():
    lo = m(xte); print("eval: test acc", (lo.argmax(1) == yte).float().mean().item(), "test loss", crit(lo, yte).item())
    lt = sum(crit(m(xtr[i:i+4096]), ytr[i:i+4096]).item() * len(ytr[i:i+4096]) for i in range(0, 60000, 4096)) / 60000
    print("eval: train loss (no aug)", lt)
def trainmode(aug, drop, nb=120):
    m.train()
    for mod in m.modules():
        if isinstance(mod, nn.Dropout) and not drop: mod.eval()
    tot = 0; order = torch.randperm(60000)
    with torch.no_grad():
        for i in range(nb):
            idx = order[i*256:(i+1)*256]; xb = P.augment(xtr[idx]) if aug else xtr[idx]
            tot += crit(m(xb), ytr[idx]).item()
    m.eval(); return tot / nb
print("train mode, aug+dropout (what PyTorch would report):", trainmode(True, True))
print("train mode, no aug, no dropout:", trainmode(False, False))
print("train mode, aug, no dropout:", trainmode(True, False))
print("train mode, dropout, no aug:", trainmode(False, True))
