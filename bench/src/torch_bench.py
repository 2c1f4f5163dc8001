"""PyTorch side of `pnpm bench`: the same workloads, one thread, float32. Prints one JSON row per line.

Run by bench/src/main.ts with /usr/bin/python3 (torch 1.13) and OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1.
"""
import json
import resource
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.set_num_interop_threads(1)
# Flush subnormals to zero, as Recur's WASM kernels do: backpropagation through 200 random-init
# steps produces them in bulk, and x86 handles them ~100x slower (6 W2 steps did not finish in 15 min).
torch.set_flush_denormal(True)
torch.manual_seed(0)

W1 = dict(cell="lstm", B=32, T=100, E=100, H=128, V=20000, layers=1, bi=False, dropout=0.0)
W4 = dict(W1, cell="gru")
W2 = dict(cell="lstm", B=64, T=200, E=100, H=256, V=25002, layers=2, bi=True, dropout=0.5)
W6 = dict(W2, T=2752)  # the longest IMDB training review (see workloads.ts)


class Model(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.embedding = nn.Embedding(s["V"], s["E"], padding_idx=1)
        rnn = nn.LSTM if s["cell"] == "lstm" else nn.GRU
        self.rnn = rnn(s["E"], s["H"], num_layers=s["layers"], bidirectional=s["bi"],
                       dropout=s["dropout"] if s["layers"] > 1 else 0.0)
        self.fc = nn.Linear(s["H"] * (2 if s["bi"] else 1), 1)
        self.dropout = nn.Dropout(s["dropout"])
        self.bi = s["bi"]

    def forward(self, ids):  # ids [T, B]
        x = self.dropout(self.embedding(ids))
        _, h = self.rnn(x)
        h = h[0] if isinstance(h, tuple) else h
        hidden = torch.cat([h[-2], h[-1]], dim=1) if self.bi else h[-1]
        return self.fc(self.dropout(hidden))


def median_ms(fn, runs, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)[len(times) // 2], len(times)


def ids(T, B, V):
    return torch.randint(2, V, (T, B))


def row(workload, batch, ms, tokens, runs, **extra):
    r = dict(workload=workload, framework="pytorch", backend="cpu", threads=1, batch=batch,
             ms_median=ms, tokens_per_s=round(tokens / ms * 1000) if tokens else 0, runs=runs)
    r.update(extra)
    print(json.dumps(r), flush=True)


def train(name, s, runs):
    m = Model(s)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    x, y = ids(s["T"], s["B"], s["V"]), (torch.arange(s["B"]) % 3 == 0).float().unsqueeze(1)
    loss_fn = nn.BCEWithLogitsLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(m(x), y)
        loss.backward()
        opt.step()
        loss.item()

    ms, n = median_ms(step, runs)
    extra = {}
    if name == "W6":
        rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        extra = dict(max_rss_mb=rss, note=f"peak RSS {rss} MiB (whole process)")
    row(name, s["B"], ms, s["B"] * s["T"], n, **extra)


def infer(runs):
    m = Model(W1).eval()
    for B in (1, 64):
        x = ids(W1["T"], B, W1["V"])
        with torch.no_grad():
            ms, n = median_ms(lambda: m(x), max(runs, 20 if B == 1 else 5), 2)
        row("W3", B, ms, B * W1["T"], n)


def sgemm(runs):
    a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
    ms, n = median_ms(lambda: torch.mm(a, b), max(runs, 7))
    row("W5", 1024, ms, 0, n, gflops=round(2 * 1024 ** 3 / ms / 1e5) / 10)


if __name__ == "__main__":
    workloads, runs = sys.argv[1].split(","), int(sys.argv[2])
    for w in workloads:
        if w == "W1": train("W1", W1, runs)
        if w == "W4": train("W4", W4, runs)
        if w == "W2": train("W2", W2, min(runs, 5))
        if w == "W3": infer(runs)
        if w == "W5": sgemm(runs)
        if w == "W6":  # run alone in its process: the peak RSS is this workload's
            train("W6", W6, 1)
