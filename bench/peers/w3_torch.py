#!/usr/bin/python3
"""PyTorch peer of workload W3 (sharpness; design notes §5).

MLP 784 -> 200 -> 200 -> 10 with tanh and biases, mse = mean over samples of 0.5·||f(x) − y||²,
1,000 samples; the top Hessian eigenvalue to a relative tolerance of 1e-3. Float64 or float32
(--dtype). Measures, at the initial point:

  (a) Hessian-vector products per second by double backward (Pearlmutter 1994):
      g = torch.autograd.grad(L, θ, create_graph=True), then Hv = torch.autograd.grad(<g, v>, θ).
      hvp_per_s: every product recomputes the forward pass and g, as Gradscope's HessianOperator
      does (one chunk of 1,000 samples); hvp_retained_per_s: g's graph is built once and reused
      with retain_graph=True, as PyHessian does (Yao et al. 2020). Each is the median over
      --batches timed batches of --hvps products, after --warmup untimed ones; the two variants'
      batches alternate (order flipped every round) so load drift hits both alike.
  (b) Power iteration for the top eigenvalue with the stopping rule of PyHessian and of
      Gradscope.Curvature.PowerIteration: v ← Hv/‖Hv‖ from a seeded random unit vector, λ_k = vᵀHv
      (Rayleigh quotient of the vector before the product), stop when |λ_k − λ_{k−1}| ≤ tol·|λ_k|
      (at most --max-iter products). Vectors, dot products and norms are float64 whatever the
      model's dtype (the operator rounds v to the dtype and widens Hv back, as Gradscope's does).
      Reports the number of products, the eigenvalue and the residual ‖Hv − λv‖ of the last one.

Data: x ~ N(0, I) [1000, 784] and random one-hot y [1000, 10] from numpy (seed --seed), or
--data FILE.safetensors with tensors x [n, 784] and y [n, 10] (float) or [n] (int64 labels, made
one-hot here). Parameters: PyTorch's default nn.Linear weights U(±1/√fan_in) and zero biases
(Gradscope's default bias_init), or --init FILE.safetensors with the state-dict names
layers.{i}.weight [out, in] and layers.{i}.bias [out] (Gradscope's checkpoint names). The
safetensors reader is written here with numpy (u64 LE header length, JSON header, raw LE data),
so the `safetensors` package is not needed.

    /usr/bin/python3 bench/peers/w3_torch.py [--dtype float64|float32] [--threads 2]
    # {"workload": "w3", "hvp_per_s": ..., "power_iterations": ..., "eigenvalue": ..., "dtype": "float64", ...}
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

WIDTHS = [784, 200, 200, 10]
SAMPLES = 1000
TOL = 1e-3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mlp_peer import load_data, loss_fn, make_data, make_model  # noqa: E402  (shared with the other peers)


class Hessian:
    """H v at the model's parameters, with float64 vectors outside (flattened in state-dict order)."""

    def __init__(self, model, x, y):
        self.model, self.x, self.y = model, x, y
        self.params = [p for p in model.parameters()]
        self.dtype = self.params[0].dtype
        self.dim = sum(p.numel() for p in self.params)
        self._grads = None

    def _split(self, v):
        out, k = [], 0
        for p in self.params:
            out.append(v[k:k + p.numel()].view_as(p).to(self.dtype))
            k += p.numel()
        return out

    def fresh(self, v):
        """Forward, g with its graph, then grad of <g, v>: the full cost of one product."""
        loss = loss_fn(self.model, self.x, self.y)
        g = torch.autograd.grad(loss, self.params, create_graph=True)
        hv = torch.autograd.grad(g, self.params, grad_outputs=self._split(v))
        return torch.cat([h.reshape(-1) for h in hv]).to(torch.float64)

    def retained(self, v):
        """PyHessian's product: g's graph built once, reused (retain_graph=True)."""
        if self._grads is None:
            loss = loss_fn(self.model, self.x, self.y)
            self._grads = torch.autograd.grad(loss, self.params, create_graph=True)
        hv = torch.autograd.grad(self._grads, self.params, grad_outputs=self._split(v), retain_graph=True)
        return torch.cat([h.reshape(-1) for h in hv]).to(torch.float64)


def rates(applies, dim, warmup, batches, per_batch, seed):
    """Median products per second of each of `applies` over `batches` timed batches of `per_batch`,
    after `warmup` untimed products each. The batches are interleaved, the order flipping every
    round, so a drift of the machine's load hits every variant alike."""
    gen = torch.Generator().manual_seed(seed)
    vs = [torch.randn(dim, generator=gen, dtype=torch.float64) for _ in range(4)]
    for apply in applies:
        for i in range(warmup):
            apply(vs[i % len(vs)])
    measured = [[] for _ in applies]
    for b in range(batches):
        order = range(len(applies)) if b % 2 == 0 else reversed(range(len(applies)))
        for j in order:
            t0 = time.perf_counter()
            for i in range(per_batch):
                applies[j](vs[i % len(vs)])
            measured[j].append(per_batch / (time.perf_counter() - t0))
    return [(statistics.median(r), r) for r in measured]


def power_iteration(apply, dim, tol, max_iter, seed):
    """Gradscope.Curvature.PowerIteration.Top's loop (and PyHessian's rule): returns (λ, products, residual, converged, seconds)."""
    gen = torch.Generator().manual_seed(seed)
    v = torch.randn(dim, generator=gen, dtype=torch.float64)
    v /= v.norm()
    lam = prev = residual = float("nan")
    converged = False
    it = 0
    t0 = time.perf_counter()
    while it < max_iter:
        av = apply(v)
        it += 1
        lam = float(torch.dot(v, av))
        norm = float(av.norm())
        residual = float((av - lam * v).norm())
        if norm == 0 or (it > 1 and abs(lam - prev) <= tol * abs(lam)):
            converged = True
            break
        prev = lam
        v = av / norm
    return lam, it, residual, converged, time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--data", help="safetensors file with x [n, 784] and y [n, 10] or [n] int64 labels")
    p.add_argument("--init", help="safetensors file with layers.{i}.weight [out, in] and layers.{i}.bias [out]")
    p.add_argument("--warmup", type=int, default=3, help="untimed products before each rate measurement")
    p.add_argument("--batches", type=int, default=5, help="timed batches (the median is reported)")
    p.add_argument("--hvps", type=int, default=10, help="products per timed batch")
    p.add_argument("--tol", type=float, default=TOL)
    p.add_argument("--max-iter", type=int, default=100)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32

    x, y = load_data(args.data, dtype, WIDTHS) if args.data else make_data(args.seed, dtype, WIDTHS, SAMPLES)
    model = make_model(args.seed, dtype, args.init, WIDTHS)
    h = Hessian(model, x, y)

    (fresh, fresh_all), (retained, retained_all) = rates([h.fresh, h.retained], h.dim, args.warmup, args.batches, args.hvps, args.seed + 1)
    lam, iters, residual, converged, seconds = power_iteration(h.retained, h.dim, args.tol, args.max_iter, args.seed + 2)

    print(json.dumps({
        "workload": "w3", "dtype": args.dtype, "threads": args.threads, "torch": torch.__version__,
        "samples": x.shape[0], "parameters": h.dim,
        "hvp_per_s": fresh, "hvp_retained_per_s": retained,
        "hvp_per_s_batches": fresh_all, "hvp_retained_per_s_batches": retained_all,
        "power_iterations": iters, "eigenvalue": lam, "residual": residual, "converged": converged,
        "power_seconds": seconds, "tol": args.tol,
        "initial_loss": float(loss_fn(model, x, y)),
    }))


if __name__ == "__main__":
    main()
