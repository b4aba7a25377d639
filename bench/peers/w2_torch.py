#!/usr/bin/python3
"""PyTorch peer of workload W2 (bench/workloads/w2-relu-mlp.yaml; design notes §5).

ReLU MLP 100 -> 512 -> 1 with biases, float32 (PyTorch's default nn.Linear weights
U(±1/√fan_in), biases set to zero as Gradscope's default bias_init), trained on 2,048 samples of a
teacher-student task y = W₂ relu(W₁ x) (teacher 100 -> 32 -> 1 without biases, He-normal weights
N(0, 2/fan_in), x ~ N(0, I)); full-batch gradient descent (torch.optim.SGD, lr 0.1) for 500
steps; loss = mean over samples of 0.5·||f(x) − y||²; one loss.item() per step, the analogue of
Gradscope logging the loss at every step.

The data comes from numpy, not from Gradscope's generator: same sizes and distribution, not the
same bits. Only the training loop is timed (time.perf_counter), as Gradscope's
summary.wall_seconds times only its loop.

    /usr/bin/python3 bench/peers/w2_torch.py [--threads 2] [--steps 500]
    # {"workload": "w2", "seconds": ..., "steps": 500, "us_per_step": ..., "gflops": ..., ...}
"""
import argparse
import json
import time

import numpy as np
import torch

WIDTHS = [100, 512, 1]
TEACHER_HIDDEN = 32
SAMPLES = 2048
LR = 0.1


def flops_per_step(n=SAMPLES, widths=WIDTHS):
    """Dense FLOPs of one step: forward 2·n·Σ fan_in·fan_out, backward about twice that."""
    forward = 2 * n * sum(i * o for i, o in zip(widths, widths[1:]))
    return 3 * forward


def make_data(seed):
    rng = np.random.default_rng(seed)
    d, h, n = WIDTHS[0], TEACHER_HIDDEN, SAMPLES
    w1 = rng.standard_normal((h, d)) * np.sqrt(2.0 / d)
    w2 = rng.standard_normal((WIDTHS[-1], h)) * np.sqrt(2.0 / h)
    x = rng.standard_normal((n, d))
    y = np.maximum(x @ w1.T, 0.0) @ w2.T
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y.astype(np.float32))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--seed", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x, y = make_data(args.seed)
    model = torch.nn.Sequential(torch.nn.Linear(WIDTHS[0], WIDTHS[1]), torch.nn.ReLU(),
                                torch.nn.Linear(WIDTHS[1], WIDTHS[2])).float()
    with torch.no_grad():
        for m in model:
            if isinstance(m, torch.nn.Linear):
                m.bias.zero_()
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

    print(json.dumps({"workload": "w2", "seconds": seconds, "steps": args.steps,
                      "us_per_step": 1e6 * seconds / args.steps,
                      "gflops": flops_per_step() * args.steps / seconds / 1e9, "threads": args.threads,
                      "torch": torch.__version__, "first_loss": losses[0], "final_loss": losses[-1]}))


if __name__ == "__main__":
    main()
