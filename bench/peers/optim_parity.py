#!/usr/bin/python3
"""PyTorch peer for Gradscope's optimisers (issue 3: "200 float64 steps ... equal to PyTorch's
within 1e-10 relative").

Trains a small tanh MLP (widths 5-8-3, with biases) on fixed data with each torch.optim optimiser
for 200 full-batch steps in float64 and stores the data, the initial parameters and every final
parameter set in a safetensors file that tests/Gradscope.Tests/Optim/PyTorchParityTests.cs replays
with Gradscope's gradient transformations.

Regenerate (Debian's python3-torch 1.13, CPU; numpy; no `safetensors` package needed):

    /usr/bin/python3 bench/peers/optim_parity.py
    # writes tests/Gradscope.Tests/Fixtures/optim_parity.safetensors (commit it; CI never runs Python)

Conventions shared with Gradscope:
  * loss = mean over samples of 0.5 * ||f(x) - y||^2, i.e. 0.5 * ((f - y)**2).sum(1).mean();
  * parameters use state-dict names layers.{i}.weight [out, in], layers.{i}.bias [out];
  * f(x) = W1 tanh(W0 x + b0) + b1 (torch.nn.Linear computes x @ W.T + b);
  * one step = zero_grad, loss.backward(), optimizer.step(), then scheduler.step() if any.
The file holds x [32,5], y [32,3], init.layers.* and {name}.layers.* for every run below; the
__metadata__ holds each run's hyperparameters as JSON (key = run name) and the settings.
"""
import json
import os
import struct

import numpy as np
import torch

STEPS = 200
WIDTHS = [5, 8, 3]
SAMPLES = 32
SEED = 20240503

# name -> (torch optimiser, keyword arguments, optional scheduler) — and the same settings in
# Gradscope's spec vocabulary (kind, lr, momentum, betas, eps, weight_decay, alpha, schedule).
RUNS = {
    "gd": dict(kind="gd", lr=0.05),
    "momentum": dict(kind="momentum", lr=0.01, momentum=0.9),
    "nesterov": dict(kind="nesterov", lr=0.01, momentum=0.9),
    "adam": dict(kind="adam", lr=0.01),
    "adamw": dict(kind="adamw", lr=0.01, weight_decay=0.01),
    "rmsprop": dict(kind="rmsprop", lr=0.001),
    "adagrad": dict(kind="adagrad", lr=0.05),
    # Extras: coupled weight decay, RMSprop's momentum buffer, schedules (PyTorch's schedulers).
    "sgd_wd": dict(kind="sgd", lr=0.05, weight_decay=0.01),
    "adam_wd": dict(kind="adam", lr=0.005, betas=[0.8, 0.99], eps=1e-6, weight_decay=0.01),
    # (alpha 0.9 with lr 1e-3 makes this run chaotic: a 1e-14 change of the initial weights moves the
    # result by 1e-5, so no two implementations could agree; at lr 3e-4 it is well conditioned.)
    "rmsprop_momentum": dict(kind="rmsprop", lr=0.0003, alpha=0.9, momentum=0.5),
    "gd_step": dict(kind="gd", lr=0.1, schedule=dict(kind="step", step_size=50, gamma=0.5)),
    "adam_cosine": dict(kind="adam", lr=0.01, schedule=dict(kind="cosine", total_steps=STEPS, final_lr=0.001)),
}


def make_optimizer(params, spec):
    k = spec["kind"]
    lr = spec["lr"]
    wd = spec.get("weight_decay", 0.0)
    if k in ("gd", "sgd"):
        return torch.optim.SGD(params, lr=lr, weight_decay=wd)
    if k in ("momentum", "nesterov"):
        return torch.optim.SGD(params, lr=lr, momentum=spec["momentum"], nesterov=(k == "nesterov"), weight_decay=wd)
    if k == "adam":
        return torch.optim.Adam(params, lr=lr, betas=tuple(spec.get("betas", (0.9, 0.999))), eps=spec.get("eps", 1e-8), weight_decay=wd)
    if k == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=tuple(spec.get("betas", (0.9, 0.999))), eps=spec.get("eps", 1e-8), weight_decay=wd)
    if k == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=spec.get("alpha", 0.99), eps=spec.get("eps", 1e-8), momentum=spec.get("momentum", 0.0), weight_decay=wd)
    if k == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=spec.get("eps", 1e-10), weight_decay=wd)
    raise ValueError(k)


def make_scheduler(opt, spec):
    s = spec.get("schedule")
    if s is None:
        return None
    if s["kind"] == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=s["step_size"], gamma=s["gamma"])
    if s["kind"] == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=s["total_steps"], eta_min=s["final_lr"])
    raise ValueError(s)


def data_and_init():
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((SAMPLES, WIDTHS[0]))
    teacher = rng.standard_normal((WIDTHS[-1], WIDTHS[0])) / np.sqrt(WIDTHS[0])
    y = np.sin(x @ teacher.T) + 0.1 * rng.standard_normal((SAMPLES, WIDTHS[-1]))
    init = {}
    for i in range(len(WIDTHS) - 1):
        bound = 1.0 / np.sqrt(WIDTHS[i])  # torch.nn.Linear's default range
        init[f"layers.{i}.weight"] = rng.uniform(-bound, bound, (WIDTHS[i + 1], WIDTHS[i]))
        init[f"layers.{i}.bias"] = rng.uniform(-bound, bound, (WIDTHS[i + 1],))
    return x, y, init


def forward(p, x):
    h = x
    n = len(WIDTHS) - 1
    for i in range(n):
        h = h @ p[f"layers.{i}.weight"].T + p[f"layers.{i}.bias"]
        if i < n - 1:
            h = torch.tanh(h)
    return h


def train(x, y, init, spec):
    p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in init.items()}
    opt = make_optimizer(list(p.values()), spec)
    sched = make_scheduler(opt, spec)
    xt = torch.tensor(x)
    yt = torch.tensor(y)
    for _ in range(STEPS):
        opt.zero_grad()
        f = forward(p, xt)
        loss = 0.5 * ((f - yt) ** 2).sum(1).mean()
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
    with torch.no_grad():
        final_loss = float(0.5 * ((forward(p, xt) - yt) ** 2).sum(1).mean())
    return {k: v.detach().numpy().copy() for k, v in p.items()}, final_loss


def write_safetensors(path, tensors, metadata):
    """safetensors by hand: u64 LE header length, JSON header (padded with spaces to 8 bytes), raw LE data."""
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f8")
        b = a.tobytes()
        header[name] = {"dtype": "F64", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def main():
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    x, y, init = data_and_init()
    tensors = {"x": x, "y": y}
    tensors.update({"init." + k: v for k, v in init.items()})
    metadata = {"steps": str(STEPS), "widths": json.dumps(WIDTHS), "activation": "tanh", "bias": "true",
                "loss": "mse", "seed": str(SEED), "torch": torch.__version__, "runs": json.dumps(list(RUNS))}
    for name, spec in RUNS.items():
        final, loss = train(x, y, init, spec)
        tensors.update({f"{name}.{k}": v for k, v in final.items()})
        metadata[name] = json.dumps(spec)
        print(f"{name:18s} final loss {loss:.6e}")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = os.path.join(root, "tests", "Gradscope.Tests", "Fixtures", "optim_parity.safetensors")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    write_safetensors(out, tensors, metadata)
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
