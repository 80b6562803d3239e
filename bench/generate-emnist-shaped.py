#!/usr/bin/python3
"""Writes an IDX dataset with the shape of EMNIST letters (124,800 + 20,800 images, labels 1..26), for benchmarks.

The images are real Fashion-MNIST images repeated (so the files compress like real data); the labels cycle 1..26.
Writes the four .gz files, SHA256SUMS and a dataset descriptor JSON into OUT_DIR.
Usage: /usr/bin/python3 bench/generate-emnist-shaped.py OUT_DIR
"""
import gzip, hashlib, json, os, struct, sys

src = "/usr/share/datasets/fashion-mnist"
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
images = {s: gzip.open(f"{src}/{f}").read()[16:] for s, f in
          [("train", "train-images-idx3-ubyte.gz"), ("test", "t10k-images-idx3-ubyte.gz")]}
counts = {"train": 124800, "test": 20800}
splits, sums = {}, []
for split, count in counts.items():
    base = images[split]
    pixels = (base * (count * 784 // len(base) + 1))[: count * 784]
    labels = bytes(1 + i % 26 for i in range(count))
    files = {"images": (f"{split}-images-idx3-ubyte.gz", struct.pack(">IIII", 2051, count, 28, 28) + pixels),
             "labels": (f"{split}-labels-idx1-ubyte.gz", struct.pack(">II", 2049, count) + labels)}
    splits[split] = {}
    for kind, (name, payload) in files.items():
        with open(f"{out}/{name}", "wb") as f:
            f.write(gzip.compress(payload, 6))
        sums.append(f"{hashlib.sha256(open(f'{out}/{name}', 'rb').read()).hexdigest()}  {name}")
        splits[split][kind] = {"file": name, "count": count, "payload_sha256": None}
open(f"{out}/SHA256SUMS", "w").write("\n".join(sums) + "\n")
descriptor = {"name": "emnist-shaped", "description": "benchmark data with the shape of EMNIST letters",
              "class_names": [chr(ord('a') + i) for i in range(26)], "label_base": 1, "transposed": True,
              "image_file_recipe": "emnist", "default_data_dir": out, "how_to_get": "bench/generate-emnist-shaped.py",
              "splits": splits}
json.dump(descriptor, open(f"{out}/emnist-shaped.json", "w"), indent=2)
print(f"wrote {sum(counts.values())} images to {out}")
