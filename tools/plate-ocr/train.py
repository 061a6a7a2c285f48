"""Train the small plate line recogniser (CNN + CTC) on rendered plates and export it to ONNX.

    /usr/bin/python3 tools/plate-ocr/train.py --samples 40000 --minutes 32 --out /tmp/plate-ocr

Input: grey line image 1×32×128, (x/255 − 0.5)/0.5. Output `probs` [N, 32, 37]: softmax per step,
blank first, then 0-9A-Z (the StepProbs layout of src/plates/ctc.ts). Debian's python3-torch, CPU.
Trains on synthetic data only (render.py); the evaluation crops are never seen.
"""
import argparse
import os
import random
import shutil
import time
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn as nn

import render
import render_cells
import render_plate

ALPHA = render.PLATE_ALPHABET
GEN = os.environ.get('PLATE_GEN', 'cells')  # 'cells': render_cells.py (v3), 'plate': render_plate.py (v2), 'line': render.py (v1)
WIDE = int(os.environ.get('PLATE_WIDE', '2'))  # channel multiplier /2: 2 = v1 size, 3 = wider


class LineNet(nn.Module):
    def __init__(self):
        super().__init__()

        def block(i, o):
            return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]

        c = [8 * WIDE, 16 * WIDE, 32 * WIDE, 48 * WIDE, 64 * WIDE]
        self.cnn = nn.Sequential(
            *block(1, c[0]), nn.MaxPool2d(2),            # 16×64
            *block(c[0], c[1]), nn.MaxPool2d(2),           # 8×32
            *block(c[1], c[2]), *block(c[2], c[2]), nn.MaxPool2d((2, 1)),  # 4×32
            *block(c[2], c[3]), nn.MaxPool2d((2, 1)),      # 2×32
            *block(c[3], c[4]), nn.MaxPool2d((2, 1)),     # 1×32
        )
        self.seq = nn.Sequential(
            nn.Conv1d(c[4], c[4], 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv1d(c[4], c[4], 3, padding=1), nn.ReLU(inplace=True),
        )
        self.head = nn.Conv1d(c[4], len(ALPHA) + 1, 1)

    def forward(self, x):
        f = self.cnn(x).squeeze(2)          # N×192×32
        f = f + self.seq(f)
        return self.head(f).permute(0, 2, 1)  # N×32×37 logits


class Probs(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return torch.softmax(self.net(x), dim=2)


GENERATORS = {'cells': render_cells.render_any, 'plate': render_plate.render_any, 'line': render.render_line}


def gen(seed_n):
    seed, n = seed_n
    random.seed(seed)
    np.random.seed(seed)
    xs = np.empty((n, render.H, render.W), np.uint8)
    ys = []
    for i in range(n):
        xs[i], y = GENERATORS[GEN]()
        ys.append(y)
    return xs, ys


def make_data(n, procs=2, seed=1000):
    chunks = [(seed + i, n // (procs * 4)) for i in range(procs * 4)]
    with Pool(procs) as p:
        parts = p.map(gen, chunks)
    xs = np.concatenate([p[0] for p in parts])
    ys = [y for p in parts for y in p[1]]
    return xs, ys


def encode(ys):
    targets = torch.tensor([ALPHA.index(c) + 1 for y in ys for c in y], dtype=torch.long)
    lengths = torch.tensor([len(y) for y in ys], dtype=torch.long)
    return targets, lengths


def greedy(logits):
    out = []
    for row in logits.argmax(2).tolist():
        s, prev = "", 0
        for k in row:
            if k and k != prev:
                s += ALPHA[k - 1]
            prev = k
        out.append(s)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=80000)
    ap.add_argument("--minutes", type=float, default=25)
    ap.add_argument("--out", default="/tmp/plate-ocr")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init", help="fine-tune from an exported plate_line_rec.onnx of the same size (BatchNorm frozen)")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1000, help="first random seed of the rendered training set (a new seed = new plates)")
    ap.add_argument("--keep-epochs", action="store_true", help="also keep each epoch's model as plate_line_rec.e<N>.onnx (ingredients for soup.py)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    t0 = time.time()
    cache = os.path.join(a.out, f"data_{GEN}_{a.samples}_{a.seed}.npz")
    if os.path.exists(cache):
        d = np.load(cache, allow_pickle=True)
        xs, ys, vx, vy = d["xs"], list(d["ys"]), d["vx"], list(d["vy"])
    else:
        xs, ys = make_data(a.samples, seed=a.seed)
        vx, vy = make_data(1000, seed=99000)
        np.savez(cache, xs=xs, ys=np.array(ys, dtype=object), vx=vx, vy=np.array(vy, dtype=object))
    print(f"data {len(ys)} in {time.time() - t0:.0f}s", flush=True)
    net = LineNet()
    if a.init:
        init_from_onnx(net, a.init)
    print("params", sum(p.numel() for p in net.parameters()), flush=True)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    X = torch.from_numpy(xs)
    VX = (torch.from_numpy(vx).float().unsqueeze(1) / 255 - 0.5) / 0.5
    t0 = time.time()  # the time budget is for training; data generation is not counted
    deadline = t0 + a.minutes * 60
    bs, step, epoch = 64, 0, 0
    while time.time() < deadline:
        epoch += 1
        perm = torch.randperm(len(ys))
        net.train()
        if a.init:  # keep the frozen statistics of the fused model
            for mod in net.modules():
                if isinstance(mod, nn.BatchNorm2d):
                    mod.eval()
        for i in range(0, len(ys) - bs + 1, bs):
            idx = perm[i:i + bs]
            x = (X[idx].float().unsqueeze(1) / 255 - 0.5) / 0.5
            tg, tl = encode([ys[j] for j in idx.tolist()])
            logits = net(x)
            lp = logits.log_softmax(2).permute(1, 0, 2)  # T×N×C
            loss = ctc(lp, tg, torch.full((len(idx),), lp.shape[0], dtype=torch.long), tl)
            opt.zero_grad()
            loss.backward()
            # Cosine-ish decay over the time budget.
            frac = min(1.0, (time.time() - t0) / (deadline - t0))
            for g in opt.param_groups:
                g["lr"] = a.lr * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * frac)))
            opt.step()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.3f} lr {opt.param_groups[0]['lr']:.5f} t {time.time() - t0:.0f}s", flush=True)
            if time.time() > deadline:
                break
        net.eval()
        with torch.no_grad():
            pred = greedy(net(VX))
        acc = sum(p == y for p, y in zip(pred, vy)) / len(vy)
        print(f"epoch {epoch} synthetic val exact {acc:.3f}", flush=True)
        path = export(net, a.out)
        if a.keep_epochs:
            shutil.copyfile(path, os.path.join(a.out, f"plate_line_rec.e{epoch}.onnx"))


def init_from_onnx(net, path):
    """Load an exported model (Conv+BatchNorm fused by the exporter) into LineNet: each conv takes the fused
    kernel, its BatchNorm becomes the identity plus the fused bias (mean 0, var 1 - eps, weight 1)."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    convs = [n for n in m.graph.node if n.op_type == "Conv"]
    mods = list(net.cnn)
    pairs = [(mods[i], mods[i + 1]) for i in range(len(mods) - 1) if isinstance(mods[i], nn.Conv2d)]
    with torch.no_grad():
        for (conv, bn), node in zip(pairs, convs):
            w, b = inits[node.input[1]], inits[node.input[2]]
            conv.weight.copy_(torch.from_numpy(w))
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.from_numpy(b))
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
        sd = net.state_dict()
        for k in ["seq.0.weight", "seq.0.bias", "seq.2.weight", "seq.2.bias", "head.weight", "head.bias"]:
            sd[k].copy_(torch.from_numpy(inits["net." + k]))
    print("initialised from", path, flush=True)


def export(net, out):
    net.eval()
    model = Probs(net)
    dummy = torch.zeros(1, 1, render.H, render.W)
    path = os.path.join(out, "plate_line_rec.onnx")
    torch.onnx.export(model, dummy, path, input_names=["x"], output_names=["probs"],
                      dynamic_axes={"x": {0: "n"}, "probs": {0: "n"}}, opset_version=13)
    torch.save(net.state_dict(), os.path.join(out, "plate_line_rec.pt"))
    print("exported", path, os.path.getsize(path), flush=True)
    return path


if __name__ == "__main__":
    main()
