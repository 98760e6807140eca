#!/usr/bin/env python3
"""The engine suite's workloads in PyTorch (CPU), for side-by-side ratios with the TypeScript runtime.

Same shapes and ops as packages/harness/src/engine/workloads.ts: fp32 matmul 512 and 1024; a ResNet
basic-block training step (batch 64, 32x32x16, batch norm in training mode, identity skip); a
pre-LayerNorm transformer-layer training step (batch 32, sequence 64, width 128, 4 heads, FFN 512,
ReLU). Loss mean(out^2), SGD with momentum 0.9 and lr 0.01.

Threads are pinned with torch.set_num_threads(--threads, default 1: the wasm backend runs on one).
Prints one line, 'REPRO_BENCH_RESULT {json}', with each task's median latency in ms, the format
the harness reads from its own bench processes.
"""
import argparse
import json
import math
import os
import re
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def matmul_task(n, gen):
    a = torch.randn(n, n, generator=gen)
    b = torch.randn(n, n, generator=gen)
    return lambda: torch.mm(a, b)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(c)
        self.c2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(c)

    def forward(self, x):
        h = F.relu(self.b1(self.c1(x)))
        return F.relu(self.b2(self.c2(h)) + x)


class Layer(nn.Module):
    def __init__(self, d, h, f):
        super().__init__()
        self.h, self.dh = h, d // h
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.o = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.f1, self.f2 = nn.Linear(d, f), nn.Linear(f, d)

    def forward(self, x):
        b, s, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        heads = lambda t: t.view(b, s, self.h, self.dh).transpose(1, 2)
        att = torch.softmax(heads(q) @ heads(k).transpose(-1, -2) / math.sqrt(self.dh), dim=-1)
        x = x + self.o((att @ heads(v)).transpose(1, 2).reshape(b, s, d))
        return x + self.f2(F.relu(self.f1(self.ln2(x))))


def train_task(model, x):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model(x).pow(2).mean()
        loss.backward()
        opt.step()
        return loss.item()
    return step


def measure(fn, budget_s, min_iters):
    for _ in range(2):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_iters or time.perf_counter() - start < budget_s:
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    m = len(times) // 2
    return (times[m] if len(times) % 2 else (times[m - 1] + times[m]) / 2), len(times)


def blas_in_use():
    """The BLAS torch was built against and, on Debian, the library the alternatives system loads for it.

    Debian's torch is built against generic BLAS; with libopenblas0-pthread installed the same
    binary runs OpenBLAS (about 40x faster on matmul), so the loaded library is what matters.
    """
    info = re.search(r'BLAS_INFO=([^,]+)', torch.__config__.show())
    built = info.group(1) if info else 'unknown'
    link = '/etc/alternatives/libblas.so.3-x86_64-linux-gnu'
    loaded = os.path.realpath(link) if os.path.exists(link) else None
    return built + (f' (libblas.so.3 -> {loaded})' if loaded else '')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--time', type=float, default=1.0, help='seconds per task (default 1)')
    p.add_argument('--iterations', type=int, default=5, help='minimum iterations per task (default 5)')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    tasks = {
        'matmul_512': matmul_task(512, gen),
        'matmul_1024': matmul_task(1024, gen),
        'resnet_block_step': train_task(Block(16), torch.randn(64, 16, 32, 32, generator=gen)),
        'transformer_step': train_task(Layer(128, 4, 512), torch.randn(32, 64, 128, generator=gen)),
    }
    out = {}
    for name, fn in tasks.items():
        med, n = measure(fn, a.time, a.iterations)
        out[name] = {'medianMs': med, 'samples': n}
    out_meta = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas_in_use()}
    print('REPRO_BENCH_RESULT ' + json.dumps(out), flush=True)
    print('REPRO_BENCH_META ' + json.dumps(out_meta), flush=True)


if __name__ == '__main__':
    main()
