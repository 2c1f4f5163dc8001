"""PyTorch side of `pnpm bench`: the same workloads, one thread, float32. Prints one JSON row per line.

Run by bench/src/main.ts with /usr/bin/python3 (torch 1.13) and OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1,
one workload per process (each row carries that process's peak RSS). `torch_bench.py blas` prints
which BLAS torch runs on.
"""
import ctypes
import json
import os
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


def rss_mb():
    """Resident set now (VmRSS), MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024)
    return None


BASE_RSS = rss_mb()  # after `import torch`: the process before any workload


def row(workload, batch, ms, tokens, runs, **extra):
    r = dict(workload=workload, framework="pytorch", backend="cpu", threads=1, batch=batch,
             ms_median=ms, tokens_per_s=round(tokens / ms * 1000) if tokens else 0, runs=runs)
    # Each workload runs in its own process (main.ts), so the process's peak is the workload's.
    r.update(base_rss_mb=BASE_RSS, max_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
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
    row(name, s["B"], ms, s["B"] * s["T"], n)


def infer(runs):
    m = Model(W1).eval()
    for B in (1, 64):
        x = ids(W1["T"], B, W1["V"])
        with torch.no_grad():
            # Same timing as W3_TIMING in workloads.ts: batch 1 200 warm-up + 100 timed, batch 64 3 + 5.
            ms, n = median_ms(lambda: m(x), max(runs, 100) if B == 1 else max(runs, 5), 200 if B == 1 else 3)
        row("W3", B, ms, B * W1["T"], n)


def sgemm(runs):
    a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
    ms, n = median_ms(lambda: torch.mm(a, b), max(runs, 7))
    row("W5", 1024, ms, 0, n, gflops=round(2 * 1024 ** 3 / ms / 1e5) / 10)


class DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def blas():
    """Which BLAS this torch runs on: the build's settings, and the file that gives libtorch_cpu its
    sgemm_ (dlsym through libtorch_cpu's own dependency list, then dladdr), which is what the
    libblas.so.3 alternative resolves to at run time."""
    info = dict(config=torch.__config__.show(), library="?", openblas_config=None)
    try:
        lib = ctypes.CDLL(os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so"))
        d = DlInfo()
        if ctypes.CDLL(None).dladdr(ctypes.cast(lib.sgemm_, ctypes.c_void_p), ctypes.byref(d)):
            info["library"] = os.path.realpath(d.dli_fname.decode())
    except (OSError, AttributeError) as e:  # no libtorch_cpu.so (a pip wheel with MKL linked in), no sgemm_
        info["library"] = f"? ({e})"
    try:
        # RTLD_NOLOAD: only an OpenBLAS this process already loaded, never one dlopen would add now.
        cfg = ctypes.CDLL("libopenblas.so.0", mode=os.RTLD_NOLOAD).openblas_get_config
        cfg.restype = ctypes.c_char_p
        info["openblas_config"] = cfg().decode()
    except (OSError, AttributeError):
        pass
    print("BLAS " + json.dumps(info), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "blas":
        blas()
        sys.exit(0)
    workloads, runs = sys.argv[1].split(","), int(sys.argv[2])
    for w in workloads:
        if w == "W1": train("W1", W1, runs)
        if w == "W4": train("W4", W4, runs)
        if w == "W2": train("W2", W2, min(runs, 5))
        if w == "W3": infer(runs)
        if w == "W5": sgemm(runs)
        if w == "W6":
            train("W6", W6, 1)
