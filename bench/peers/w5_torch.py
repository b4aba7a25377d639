#!/usr/bin/python3
"""PyTorch peer of workload W5 (loss landscape; design notes §5).

A 51 x 51 grid of the full-batch loss on the plane θ + αδ + βη through the parameters θ of an MLP
784 -> 200 -> 10 with **tanh** and biases (mse = mean over samples of 0.5·||f(x) − y||², 1,000
samples), α, β in linspace(-1, 1, 51) (--grid, --span). δ and η are Gaussian directions,
filter-normalised as in Li et al. (2018) and their reference code (loss-landscape,
net_plotter.normalize_directions_for_weights with norm='filter', ignore='biasbn'): each row of a
weight matrix (a filter of nn.Linear [out, in]) is rescaled to the norm of the same row of θ, and
the directions of the biases are zero.

The loop is loss-landscape's (plot_surface.crunch): for each point, set the weights and evaluate the
loss of the whole data set without gradients. The weights are set in place under no_grad,
p ← θ_p + αδ_p + βη_p (copy_ then two add_), instead of loss-landscape's `p.data = w + d`, which
allocates a new tensor per parameter and point; the forward pass dominates either way. Rows are
β = const with α running fastest (np.meshgrid order, as loss-landscape iterates).

Measures: points per second (the median over the timed rows of 51 / row seconds, after --warmup
untimed points), the grid's seconds (the sum over all rows, or with --rows K the K timed rows
extrapolated to the full grid), and the peak resident set size (resource.getrusage ru_maxrss) next
to the bytes of model + data (parameters, x and y in the chosen dtype); also the RSS of the process
before any model or data exists (the cost of importing torch), so the difference can be read.

Data: x ~ N(0, I) [1000, 784] and random one-hot y [1000, 10] from numpy (seed --seed), or
--data FILE.safetensors with tensors x [n, 784] and y [n, 10] (float) or [n] (int64 labels, made
one-hot here). Parameters: PyTorch's default nn.Linear weights U(±1/√fan_in) and zero biases, or
--init FILE.safetensors with the state-dict names layers.{i}.weight [out, in] and layers.{i}.bias
[out]. The safetensors reader is the one of w3_torch.py (numpy only). Float32 by default, float64
with --dtype float64; torch.set_num_threads(--threads), default 2 (this machine's cores).

    /usr/bin/python3 bench/peers/w5_torch.py [--dtype float32|float64] [--threads 2] [--rows K] [--out grid.npy]
    # {"workload": "w5", "dtype": "float32", "points_per_s": ..., "grid_seconds": ..., "peak_rss_mb": ..., "model_data_mb": ..., ...}
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch

WIDTHS = [784, 200, 10]
SAMPLES = 1000

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mlp_peer import load_data, loss_fn, make_data, make_model  # noqa: E402  (shared with the other peers)


def filter_normalized_direction(params, gen):
    """A Gaussian direction with each filter (row of a weight [out, in]) rescaled to the norm of the
    same row of the parameters; zero on biases (loss-landscape: norm='filter', ignore='biasbn')."""
    out = []
    for p in params:
        d = torch.randn(p.shape, generator=gen, dtype=torch.float64).to(p.dtype)
        if p.dim() <= 1:
            d.zero_()
        else:
            for drow, prow in zip(d, p):
                drow.mul_(prow.norm() / (drow.norm() + 1e-10))
        out.append(d)
    return out


def rss_mb_now():
    """Current resident set size (MB) from /proc/self/statm (pages)."""
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--grid", type=int, default=51, help="points per axis")
    p.add_argument("--span", type=float, default=1.0, help="α, β in [-span, span]")
    p.add_argument("--rows", type=int, default=0, help="time only the first K rows and extrapolate (0 = all)")
    p.add_argument("--warmup", type=int, default=10, help="untimed evaluations before the grid")
    p.add_argument("--data", help="safetensors file with x [n, 784] and y [n, 10] or [n] int64 labels")
    p.add_argument("--init", help="safetensors file with layers.{i}.weight [out, in] and layers.{i}.bias [out]")
    p.add_argument("--out", help="write the loss grid [α index, β index] (float64) to this .npy file")
    args = p.parse_args()
    if args.grid < 2 or args.rows < 0:
        raise SystemExit("--grid must be >= 2 and --rows >= 0")
    torch.set_num_threads(args.threads)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    baseline_rss = rss_mb_now()

    x, y = load_data(args.data, dtype, WIDTHS) if args.data else make_data(args.seed, dtype, WIDTHS, SAMPLES)
    model = make_model(args.seed, dtype, args.init, WIDTHS)
    params = list(model.parameters())
    for q in params:
        q.requires_grad_(False)
    theta = [q.detach().clone() for q in params]
    gen = torch.Generator().manual_seed(args.seed + 1)
    dx = filter_normalized_direction(theta, gen)
    dy = filter_normalized_direction(theta, gen)

    n = args.grid
    coords = np.linspace(-args.span, args.span, n)
    rows = n if args.rows == 0 else min(args.rows, n)
    losses = np.full((n, n), np.nan)  # [i over α, j over β]

    def evaluate(a, b):
        for q, w, d0, d1 in zip(params, theta, dx, dy):
            q.copy_(w).add_(d0, alpha=float(a)).add_(d1, alpha=float(b))
        return float(loss_fn(model, x, y))

    with torch.no_grad():
        center = evaluate(0.0, 0.0)
        for k in range(args.warmup):
            evaluate(coords[k % n], coords[(k * 7) % n])
        row_seconds = []
        for j in range(rows):  # β = coords[j], α fastest
            t0 = time.perf_counter()
            for i in range(n):
                losses[i, j] = evaluate(coords[i], coords[j])
            row_seconds.append(time.perf_counter() - t0)
        for q, w in zip(params, theta):
            q.copy_(w)

    timed_points = rows * n
    grid_seconds = sum(row_seconds) * (n * n) / timed_points
    model_bytes = sum(q.numel() * q.element_size() for q in params)
    data_bytes = x.numel() * x.element_size() + y.numel() * y.element_size()
    direction_bytes = 2 * model_bytes
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    if args.out:
        np.save(args.out, losses)
    done = losses[:, :rows]
    print(json.dumps({
        "workload": "w5", "dtype": args.dtype, "threads": args.threads, "torch": torch.__version__,
        "activation": "tanh", "widths": WIDTHS, "samples": x.shape[0], "parameters": sum(q.numel() for q in params),
        "grid": [n, n], "span": args.span, "rows_timed": rows, "extrapolated": rows < n,
        "points_per_s": statistics.median(n / s for s in row_seconds),
        "points_per_s_rows": [n / s for s in row_seconds],
        "grid_seconds": grid_seconds,
        "peak_rss_mb": peak_rss, "baseline_rss_mb": baseline_rss,
        "model_data_mb": (model_bytes + data_bytes) / 2**20, "directions_mb": direction_bytes / 2**20,
        "center_loss": center, "min_loss": float(np.min(done)), "max_loss": float(np.max(done)),
    }))


if __name__ == "__main__":
    main()
