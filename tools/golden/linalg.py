"""Golden values for matmul and linear (ops/linalg.ts).

Run: /usr/bin/python3 tools/golden/linalg.py  → packages/autograd/test/golden/linalg.json
Everything in float64: for each case the inputs, the upstream gradient gy, the output and both
(or all three) input gradients; for matmul also the double backward of
s = <∂L/∂a, ra> + <∂L/∂b, rb> with respect to a, b and gy.
"""
import torch
import torch.nn.functional as F

from common import t2j, write

torch.manual_seed(0)
D = torch.float64

MATMUL_CASES = [
    # name, a shape, b shape
    ("1-D @ 1-D (dot)", [5], [5]),
    ("1-D @ 2-D", [3], [3, 4]),
    ("1-D @ batched", [3], [2, 3, 4]),
    ("2-D @ 1-D", [4, 3], [3]),
    ("batched @ 1-D", [2, 4, 3], [3]),
    ("2-D @ 2-D", [3, 5], [5, 2]),
    ("batched @ batched", [2, 3, 4], [2, 4, 5]),
    ("batched @ 2-D (shared B)", [3, 2, 4], [4, 3]),
    ("2-D @ batched (shared A)", [2, 4], [3, 4, 2]),
    ("broadcast batch dims", [2, 1, 3, 4], [3, 4, 2]),
    ("size-1 batch dim", [1, 2, 3], [4, 3, 2]),
    ("blocked kernel sizes (m·n·k > 16³)", [9, 40], [40, 13]),
]

LINEAR_CASES = [
    # name, x shape, weight shape, bias
    ("2-D with bias", [4, 3], [5, 3], True),
    ("2-D without bias", [4, 3], [5, 3], False),
    ("3-D input", [2, 3, 4], [2, 4], True),
    ("1-D input", [3], [2, 3], True),
    ("wide input 60 -> 10", [4, 60], [10, 60], True),
]


def matmul_case(name, a_shape, b_shape):
    a = torch.randn(a_shape, dtype=D, requires_grad=True)
    b = torch.randn(b_shape, dtype=D, requires_grad=True)
    y = torch.matmul(a, b)
    gy = torch.randn(y.shape, dtype=D, requires_grad=True)
    ga, gb = torch.autograd.grad(y, [a, b], gy, create_graph=True)
    ra = torch.randn(a_shape, dtype=D)
    rb = torch.randn(b_shape, dtype=D)
    s = (ga * ra).sum() + (gb * rb).sum()
    dda, ddb, ddgy = torch.autograd.grad(s, [a, b, gy])
    return {
        "name": name, "a": t2j(a), "b": t2j(b), "y": t2j(y), "gy": t2j(gy), "ga": t2j(ga), "gb": t2j(gb),
        "ra": t2j(ra), "rb": t2j(rb), "dda": t2j(dda), "ddb": t2j(ddb), "ddgy": t2j(ddgy),
    }


def linear_case(name, x_shape, w_shape, has_bias):
    x = torch.randn(x_shape, dtype=D, requires_grad=True)
    w = torch.randn(w_shape, dtype=D, requires_grad=True)
    b = torch.randn(w_shape[0], dtype=D, requires_grad=True) if has_bias else None
    y = F.linear(x, w, b)
    gy = torch.randn(y.shape, dtype=D)
    inputs = [x, w] + ([b] if has_bias else [])
    grads = torch.autograd.grad(y, inputs, gy)
    case = {"name": name, "x": t2j(x), "w": t2j(w), "y": t2j(y), "gy": t2j(gy), "gx": t2j(grads[0]), "gw": t2j(grads[1])}
    if has_bias:
        case["b"] = t2j(b)
        case["gb"] = t2j(grads[2])
    return case


write(
    "packages/autograd/test/golden/linalg.json",
    {
        "matmul": [matmul_case(*c) for c in MATMUL_CASES],
        "linear": [linear_case(*c) for c in LINEAR_CASES],
    },
)
