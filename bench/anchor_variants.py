"""Variants of ../shared/anchors/torch_emnistnet.py for side-by-side probes (BENCHMARKS.md, "The training-loss gap"):
GELU=sigmoid (ND4J's form), GHOST=128 (BatchNorm over slices), AUG=0, DROP=0, LIMIT=N training images; also
records the validation loss. E.g. EPOCHS=1 LIMIT=20000 DATASET=fashion-mnist /usr/bin/python3 bench/anchor_variants.py

Anchor: the reference EMNISTNet recipe in PyTorch, for side-by-side comparison.

Measures (1) training and inference throughput on random data, on the GPU when there is
one and on all CPU cores, and (2) unless THROUGHPUT_ONLY=1, and if the EMNIST letters IDX
files are present, a full training run with the reference recipe (orientation fix, random
rotation, Gaussian noise, AdamW + OneCycleLR, label smoothing 0.1, EPOCHS=15) and its test
accuracy (SEED=N sets initialisation, shuffling and augmentation; default 42). Writes anchor.json
(and an ONNX export of the trained net) to $OUT.

Run: /usr/bin/python3 torch_emnistnet.py   (Debian: apt-get install -y python3-torch)
"""
import gzip, json, math, os, struct, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.environ.get("OUT", "/tmp/out")
os.makedirs(OUT, exist_ok=True)
DATA = os.environ.get("EMNIST_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "emnist-letters"))
EPOCHS = int(os.environ.get("EPOCHS", "15"))
SEED = int(os.environ.get("SEED", "42"))  # initialisation, shuffling, augmentation; the validation split stays seeded by 42
# DATASET=emnist-letters (26 classes, labels 1..26, stored transposed) or fashion-mnist (10 classes, upright),
# the latter from Debian's dataset-fashion-mnist package.
DATASET = os.environ.get("DATASET", "emnist-letters")
if DATASET == "fashion-mnist":
    DATA = os.environ.get("FASHION_DIR", "/usr/share/datasets/fashion-mnist")
    FILES = {"train-images-idx3-ubyte": "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte": "train-labels-idx1-ubyte.gz",
             "test-images-idx3-ubyte": "t10k-images-idx3-ubyte.gz", "test-labels-idx1-ubyte": "t10k-labels-idx1-ubyte.gz"}
    CLASSES, LABEL_BASE, TRANSPOSED = 10, 0, False
else:
    FILES = {k: f"emnist-letters-{k}.gz" for k in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                                   "test-images-idx3-ubyte", "test-labels-idx1-ubyte")}
    CLASSES, LABEL_BASE, TRANSPOSED = 26, 1, True
torch.backends.cudnn.benchmark = True


Drop = (lambda p: nn.Identity()) if os.environ.get('DROP') == '0' else nn.Dropout
GHOST = int(os.environ.get("GHOST", "0"))
class SigGelu(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)
Act = SigGelu if os.environ.get("GELU") == "sigmoid" else nn.GELU
class Ghost(nn.Module):
    def __init__(self, bn):
        super().__init__(); self.bn = bn
    def forward(self, x):
        if self.training and GHOST and x.shape[0] > GHOST:
            return torch.cat([self.bn(c) for c in x.split(GHOST)])
        return self.bn(x)
BN2 = lambda c: Ghost(nn.BatchNorm2d(c))
BN1 = lambda c: Ghost(nn.BatchNorm1d(c))

def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), BN2(cout), Act())


class EMNISTNet(nn.Module):
    def __init__(self, classes=26):
        super().__init__()
        self.features = nn.Sequential(
            block(1, 32), block(32, 32), nn.MaxPool2d(2), Drop(0.1),
            block(32, 64), block(64, 64), nn.MaxPool2d(2), Drop(0.2),
            block(64, 128), block(128, 128), nn.MaxPool2d(2), Drop(0.3),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(128 * 3 * 3, 256), BN1(256), Act(),
                                  Drop(0.4), nn.Linear(256, classes))

    def forward(self, x):
        return self.head(self.features(x))


def params(m):
    return sum(p.numel() for p in m.parameters())


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic == 2051:
        n, r, c = struct.unpack(">III", data[4:16])
        return torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8).view(n, r, c)
    n = struct.unpack(">I", data[4:8])[0]
    return torch.frombuffer(bytearray(data[8:]), dtype=torch.uint8).view(n)


def throughput(dev, threads=None, batch=256, steps=30):
    if threads:
        torch.set_num_threads(threads)
    m = EMNISTNet().to(dev)
    opt = torch.optim.AdamW(m.parameters(), 1e-3)
    x = torch.randn(batch, 1, 28, 28, device=dev)
    y = torch.randint(0, 26, (batch,), device=dev)
    def sync():
        if dev == "cuda":
            torch.cuda.synchronize()
    for _ in range(5):
        opt.zero_grad(); F.cross_entropy(m(x), y).backward(); opt.step()
    sync(); t = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad(); F.cross_entropy(m(x), y).backward(); opt.step()
    sync(); train = batch * steps / (time.perf_counter() - t)
    m.eval()
    xb = torch.randn(1024, 1, 28, 28, device=dev)
    with torch.no_grad():
        for _ in range(3):
            m(xb)
        sync(); t = time.perf_counter()
        for _ in range(steps):
            m(xb)
        sync(); infer = 1024 * steps / (time.perf_counter() - t)
    return {"train_img_s": round(train), "infer_img_s": round(infer), "batch": batch}


def augment(x):
    # x: (B,1,28,28) float in [0,1], upright. Random rotation +-10 degrees, Gaussian noise std 0.05.
    b = x.shape[0]
    ang = (torch.rand(b, device=x.device) * 20 - 10) * math.pi / 180
    cos, sin = torch.cos(ang), torch.sin(ang)
    theta = torch.zeros(b, 2, 3, device=x.device)
    theta[:, 0, 0], theta[:, 0, 1], theta[:, 1, 0], theta[:, 1, 1] = cos, -sin, sin, cos
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    x = F.grid_sample(x, grid, align_corners=False)
    return (x + 0.05 * torch.randn_like(x)).clamp(0, 1)


def train_real(dev):
    p = lambda s: os.path.join(DATA, FILES[s])
    xtr, ytr = read_idx(p("train-images-idx3-ubyte")), read_idx(p("train-labels-idx1-ubyte"))
    xte, yte = read_idx(p("test-images-idx3-ubyte")), read_idx(p("test-labels-idx1-ubyte"))
    # FixOrientation: EMNIST stores images transposed.
    prep = lambda x: ((x.transpose(1, 2) if TRANSPOSED else x).float() / 255.0).unsqueeze(1)
    xtr, xte = prep(xtr).to(dev), prep(xte).to(dev)
    ytr, yte = (ytr.long() - LABEL_BASE).to(dev), (yte.long() - LABEL_BASE).to(dev)
    g = torch.Generator().manual_seed(42)
    perm = torch.randperm(xtr.shape[0], generator=g).to(dev)
    nval = xtr.shape[0] // 10
    xva, yva = xtr[perm[:nval]], ytr[perm[:nval]]
    xtr, ytr = xtr[perm[nval:]], ytr[perm[nval:]]
    LIMIT = int(os.environ.get('LIMIT', '0'))
    if LIMIT:
        xtr, ytr = xtr[:LIMIT], ytr[:LIMIT]
    torch.manual_seed(SEED)
    m = EMNISTNet(CLASSES).to(dev)
    batch = 256
    steps = math.ceil(xtr.shape[0] / batch)
    opt = torch.optim.AdamW(m.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps * EPOCHS)
    crit = nn.CrossEntropyLoss(label_smoothing=0.1)

    def acc(x, y):
        m.eval(); right = 0
        with torch.no_grad():
            for i in range(0, x.shape[0], 4096):
                right += (m(x[i:i + 4096]).argmax(1) == y[i:i + 4096]).sum().item()
        m.train(); return right / x.shape[0]

    hist = []
    t0 = time.perf_counter()
    for ep in range(EPOCHS):
        te = time.perf_counter()
        order = torch.randperm(xtr.shape[0], device=dev)
        tot = 0.0
        for i in range(steps):
            idx = order[i * batch:(i + 1) * batch]
            xb, yb = (xtr[idx] if os.environ.get('AUG') == '0' else augment(xtr[idx])), ytr[idx]
            opt.zero_grad(set_to_none=True)
            loss = crit(m(xb), yb)
            loss.backward(); opt.step(); sched.step()
            tot += loss.item()
        if dev == "cuda":
            torch.cuda.synchronize()
        epoch_s = round(time.perf_counter() - te, 2)
        # test accuracy every epoch too, so that "best-validation epoch" and "last epoch" can both be reported
        m.eval()
        with torch.no_grad():
            vl = sum(crit(m(xva[i:i + 4096]), yva[i:i + 4096]).item() * len(yva[i:i + 4096]) for i in range(0, xva.shape[0], 4096)) / xva.shape[0]
        m.train()
        hist.append({"epoch": ep + 1, "loss": round(tot / steps, 4), "val_loss": round(vl, 4), "val_acc": round(acc(xva, yva), 4),
                     "test_acc": round(acc(xte, yte), 4), "epoch_s": epoch_s})
        print(hist[-1], flush=True)
    total = time.perf_counter() - t0
    test_acc = acc(xte, yte)
    m.eval()
    try:
        torch.onnx.export(m.cpu(), torch.randn(1, 1, 28, 28), os.path.join(OUT, "emnistnet.onnx"),
                          input_names=["image"], output_names=["logits"], dynamic_axes={"image": {0: "n"}})
    except Exception as e:  # export is a nice-to-have
        print("onnx export failed:", e)
    best = max(hist, key=lambda h: h["val_acc"])
    return {"dataset": DATASET, "seed": SEED, "test_acc": round(test_acc, 4), "val_acc": hist[-1]["val_acc"],
            "best_val_epoch": best["epoch"], "best_val_test_acc": best["test_acc"], "train_s": round(total, 1),
            "epochs": EPOCHS, "history": hist}


def main():
    res = {"params": params(EMNISTNet()), "torch": torch.__version__}
    if torch.cuda.is_available():
        res["gpu"] = torch.cuda.get_device_name(0)
        res["gpu_throughput"] = throughput("cuda")
    res["cpu_threads"] = os.cpu_count()
    torch.set_num_threads(os.cpu_count())
    print(json.dumps(res), flush=True)
    if os.environ.get("THROUGHPUT_ONLY") != "1" and \
            os.path.exists(os.path.join(DATA, FILES["train-images-idx3-ubyte"])):
        res["real"] = train_real("cuda" if torch.cuda.is_available() else "cpu")
    with open(os.path.join(OUT, "anchor.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps({k: v for k, v in res.items() if k != "real"}))
    if "real" in res:
        print(json.dumps({k: v for k, v in res["real"].items() if k != "history"}))


if __name__ == "__main__":
    main()
