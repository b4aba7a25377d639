#!/usr/bin/python3
"""PyTorch peer of the engine's micro target (issue 2): one forward+backward of a 3-layer
32-wide float64 linear network on 256 samples (≈ 4.2 MFLOP: forward 2·256·3·32·32 ≈ 1.6 MFLOP,
backward about twice that), and one whole training step (forward, backward, SGD update and a
loss.item(), as in workload W1).

Each measurement is the median over --blocks blocks of --reps repetitions (per-call time =
block time / reps), after a warm-up, for every thread count in --threads.
Compare with bench/Gradscope.Bench StepBenchmarks.DeepLinearForwardBackward.

    /usr/bin/python3 bench/peers/step_torch.py [--threads 1,2] [--reps 200] [--blocks 51]
    # one JSON line per thread count:
    # {"bench": "step", "threads": 1, "forward_backward_us": ..., "train_step_us": ..., ...}
"""
import argparse
import json
import statistics
import time

import torch

WIDTH, LAYERS, SAMPLES = 32, 3, 256


def median_us(fn, reps, blocks):
    for _ in range(reps):  # warm-up
        fn()
    times = []
    for _ in range(blocks):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t0) / reps)
    return 1e6 * statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", default="1,2")
    p.add_argument("--reps", type=int, default=200)
    p.add_argument("--blocks", type=int, default=51)
    args = p.parse_args()

    torch.manual_seed(0)
    x = torch.randn(SAMPLES, WIDTH, dtype=torch.float64)
    y = torch.randn(SAMPLES, WIDTH, dtype=torch.float64)
    model = torch.nn.Sequential(*[torch.nn.Linear(WIDTH, WIDTH, bias=False) for _ in range(LAYERS)]).double()
    params = list(model.parameters())
    opt = torch.optim.SGD(params, lr=1e-3)

    def loss_fn():
        return 0.5 * (model(x) - y).pow(2).sum(1).mean()

    def forward_backward():
        # Gradients of the loss with respect to the weights, as Grad.ValueAndGrad returns them.
        return torch.autograd.grad(loss_fn(), params)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss.item()

    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        print(json.dumps({"bench": "step", "threads": threads,
                          "forward_backward_us": median_us(forward_backward, args.reps, args.blocks),
                          "train_step_us": median_us(train_step, args.reps, args.blocks),
                          "reps": args.reps, "blocks": args.blocks, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
