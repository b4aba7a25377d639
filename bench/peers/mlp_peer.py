"""Shared pieces of the PyTorch peers of W3 and W5 (tanh MLPs with Gradscope's parameter names,
synthetic or safetensors data and initial weights). A reader for safetensors in numpy, so the peers
need neither the safetensors package nor Gradscope. Never a CI dependency."""

import json
import struct

import numpy as np
import torch

SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "U8": "u1"}


def read_safetensors(path):
    """{name: numpy array} of a safetensors file: u64 LE header length, JSON header, raw LE data."""
    with open(path, "rb") as f:
        blob = f.read()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + header_len].decode("utf-8"))
    base = 8 + header_len
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            raise SystemExit(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(blob[base + start:base + end], dtype=dtype).reshape(info["shape"]).copy()
    return out


class Mlp(torch.nn.Module):
    """layers.{i} = nn.Linear, tanh between them (none after the last): Gradscope's mlp and its names."""

    def __init__(self, widths):
        super().__init__()
        self.layers = torch.nn.ModuleList(torch.nn.Linear(i, o) for i, o in zip(widths, widths[1:]))

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.tanh(x)
        return x


def make_data(seed, dtype, widths, samples):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, widths[0]))
    y = np.eye(widths[-1])[rng.integers(0, widths[-1], samples)]
    return torch.from_numpy(x).to(dtype), torch.from_numpy(y).to(dtype)


def load_data(path, dtype, widths):
    t = read_safetensors(path)
    if "x" not in t or "y" not in t:
        raise SystemExit(f"{path}: needs tensors x and y, has {sorted(t)}")
    x, y = t["x"], t["y"]
    if y.ndim == 1:
        y = np.eye(widths[-1])[y.astype(np.int64)]
    if x.ndim != 2 or x.shape[1] != widths[0] or y.shape != (x.shape[0], widths[-1]):
        raise SystemExit(f"{path}: expected x [n, {widths[0]}] and y [n, {widths[-1]}], got {x.shape} and {y.shape}")
    return torch.from_numpy(x.astype(np.float64)).to(dtype), torch.from_numpy(y.astype(np.float64)).to(dtype)


def make_model(seed, dtype, init_path, widths):
    torch.manual_seed(seed)
    model = Mlp(widths).to(dtype)
    with torch.no_grad():
        if init_path is None:
            for layer in model.layers:
                layer.bias.zero_()
        else:
            t = read_safetensors(init_path)
            state = model.state_dict()
            missing = [k for k in state if k not in t]
            if missing:
                raise SystemExit(f"{init_path}: missing {missing} (has {sorted(t)})")
            for k, v in state.items():
                if tuple(t[k].shape) != tuple(v.shape):
                    raise SystemExit(f"{init_path}: {k} has shape {t[k].shape}, the model {tuple(v.shape)}")
                v.copy_(torch.from_numpy(t[k].astype(np.float64)).to(dtype))
    return model


def loss_fn(model, x, y):
    return 0.5 * (model(x) - y).pow(2).sum(1).mean()
