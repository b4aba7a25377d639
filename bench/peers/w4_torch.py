#!/usr/bin/python3
"""PyTorch peer of workload W4 (bench/workloads/w4-ensemble.yaml; design notes §5).

64 replicas of a tanh MLP 20 -> 50 -> 1 with biases (PyTorch's default nn.Linear weights
U(±1/√fan_in), biases set to zero as Gradscope's default bias_init), each trained on its own 200
samples of a teacher-student task y = W₂ tanh(W₁ x) (teacher 20 -> 10 -> 1 without biases,
He-normal weights N(0, 2/fan_in), x ~ N(0, I)); full-batch gradient descent (torch.optim.SGD,
lr 0.1) for 500 steps; loss = mean over samples of 0.5·||f(x) − y||²; one loss.item() per step, the
analogue of Gradscope logging the loss at every step. The replicas run one after another, as a
sweep of separate PyTorch runs would (each its own model, optimiser and data, seed 1 + r).

The data comes from numpy, not from Gradscope's generator: same sizes and distribution, not the
same bits. Only the training loops are timed (time.perf_counter around each replica's 500 steps),
as Gradscope's `bench ensemble` times only its loop.

    /usr/bin/python3 bench/peers/w4_torch.py [--dtype float64|float32] [--threads 2] [--replicas 64] [--steps 500]
    # {"workload": "w4", "dtype": ..., "replicas": 64, "steps": 500, "seconds": ..., "replica_steps_per_s": ..., ...}
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch

WIDTHS = [20, 50, 1]
TEACHER_HIDDEN = 10
SAMPLES = 200
LR = 0.1


def make_data(seed, dtype):
    rng = np.random.default_rng(seed)
    d, h, n = WIDTHS[0], TEACHER_HIDDEN, SAMPLES
    w1 = rng.standard_normal((h, d)) * np.sqrt(2.0 / d)
    w2 = rng.standard_normal((WIDTHS[-1], h)) * np.sqrt(2.0 / h)
    x = rng.standard_normal((n, d))
    y = np.tanh(x @ w1.T) @ w2.T
    return torch.from_numpy(x).to(dtype), torch.from_numpy(y).to(dtype)


def make_model(seed, dtype):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(WIDTHS[0], WIDTHS[1]), torch.nn.Tanh(),
                                torch.nn.Linear(WIDTHS[1], WIDTHS[2])).to(dtype)
    with torch.no_grad():
        for m in model:
            if isinstance(m, torch.nn.Linear):
                m.bias.zero_()
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--replicas", type=int, default=64)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32

    # Warm-up (allocator, kernels' first calls), untimed, as Gradscope warms its JIT.
    x, y = make_data(0, dtype)
    model = make_model(0, dtype)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    for _ in range(20):
        opt.zero_grad(set_to_none=True)
        loss = 0.5 * (model(x) - y).pow(2).sum(1).mean()
        loss.backward()
        opt.step()
        loss.item()

    seconds = 0.0
    cpu_seconds = 0.0
    finals = []
    for r in range(args.replicas):
        x, y = make_data(args.seed + r, dtype)
        model = make_model(args.seed + r, dtype)
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        losses = []
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(args.steps):
            opt.zero_grad(set_to_none=True)
            loss = 0.5 * (model(x) - y).pow(2).sum(1).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        seconds += time.perf_counter() - t0
        cpu_seconds += time.process_time() - c0
        finals.append(losses[-1])

    replica_steps = args.replicas * args.steps
    print(json.dumps({"workload": "w4", "dtype": args.dtype, "replicas": args.replicas, "steps": args.steps,
                      "seconds": seconds, "replica_steps_per_s": replica_steps / seconds,
                      "us_per_replica_step": 1e6 * seconds / replica_steps, "cpu_seconds": cpu_seconds,
                      "cpu_us_per_replica_step": 1e6 * cpu_seconds / replica_steps, "threads": args.threads,
                      "torch": torch.__version__, "final_loss_median": statistics.median(finals)}))


if __name__ == "__main__":
    main()
