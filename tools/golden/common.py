"""Shared helpers for the golden-value generators (run with Debian's PyTorch 1.13: /usr/bin/python3).

Each generator writes one JSON file with `write(path, obj)`. Tensors are stored as
{"shape": [...], "data": [flat row-major float64 values]}; the tests read them with
test/golden.ts in each package. Generators seed torch so their output is reproducible.
"""
import json
import math
import os

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def t2j(t):
    """A tensor (or number) as {"shape", "data"}; NaN/Inf become strings so the JSON stays valid."""
    if not isinstance(t, torch.Tensor):
        t = torch.tensor(t, dtype=torch.float64)
    flat = t.detach().to(torch.float64).reshape(-1).tolist()
    return {"shape": list(t.shape), "data": [enc(v) for v in flat]}


def enc(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def write(relpath, obj):
    """Writes obj as JSON to ROOT/relpath (e.g. packages/autograd/test/golden/ops.json)."""
    path = os.path.join(ROOT, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"generator": "tools/golden", "torch": torch.__version__, **obj}, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {relpath}")
