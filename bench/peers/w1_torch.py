#!/usr/bin/python3
"""PyTorch peer of workload W1 (bench/workloads/w1-deep-linear.yaml; design notes §5).

Deep linear network f(x) = W2 W1 W0 x, three 32x32 float64 weight matrices without biases
(PyTorch's default nn.Linear init U(±1/√32)), 256 whitened samples of a linear teacher
y = A x, A = U diag(3, 2, 1, 0.5) Vᵀ with Haar-random U, V; full-batch gradient descent
(torch.optim.SGD, lr 0.05) for 20,000 steps; loss = mean over samples of 0.5·||f(x) − y||²;
one loss.item() per step, the analogue of Gradscope logging the loss at every step.

The data comes from numpy, not from Gradscope's generator: same sizes and conditioning (exactly
white inputs, the same teacher spectrum), not the same bits. Only the training loop is timed
(time.perf_counter), as Gradscope's summary.wall_seconds times only its loop.

    /usr/bin/python3 bench/peers/w1_torch.py [--threads 2] [--steps 20000]
    # {"workload": "w1", "seconds": ..., "steps": 20000, "us_per_step": ..., "threads": 2, ...}
"""
import argparse
import json
import time

import numpy as np
import torch

WIDTHS = [32, 32, 32, 32]
SAMPLES = 256
SINGULAR_VALUES = [3.0, 2.0, 1.0, 0.5]
LR = 0.05


def haar_orthonormal(rng, rows, cols):
    """rows x cols with orthonormal columns, Haar-distributed (QR of a Gaussian, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((rows, cols)))
    return q * np.sign(np.diag(r))


def make_data(seed):
    rng = np.random.default_rng(seed)
    d, k, n = WIDTHS[0], WIDTHS[-1], SAMPLES
    s = np.array(SINGULAR_VALUES)
    a = haar_orthonormal(rng, k, len(s)) @ np.diag(s) @ haar_orthonormal(rng, d, len(s)).T
    x = rng.standard_normal((n, d))
    # Whiten exactly: X <- X C^{-1/2}, C = (1/n) XᵀX, so (1/n) XᵀX = I.
    evals, evecs = np.linalg.eigh(x.T @ x / n)
    x = x @ (evecs @ np.diag(evals ** -0.5) @ evecs.T)
    return torch.from_numpy(x), torch.from_numpy(x @ a.T)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=20000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x, y = make_data(args.seed)
    model = torch.nn.Sequential(*[torch.nn.Linear(i, o, bias=False) for i, o in zip(WIDTHS, WIDTHS[1:])]).double()
    opt = torch.optim.SGD(model.parameters(), lr=LR)

    losses = []
    t0 = time.perf_counter()
    for _ in range(args.steps):
        opt.zero_grad(set_to_none=True)
        loss = 0.5 * (model(x) - y).pow(2).sum(1).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - t0

    print(json.dumps({"workload": "w1", "seconds": seconds, "steps": args.steps,
                      "us_per_step": 1e6 * seconds / args.steps, "threads": args.threads,
                      "torch": torch.__version__, "first_loss": losses[0], "final_loss": losses[-1]}))


if __name__ == "__main__":
    main()
