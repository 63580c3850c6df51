"""Golden values for the element-wise, activation, reduction and softmax ops (PyTorch 1.13).

Run: /usr/bin/python3 tools/golden/elementwise.py
Writes packages/autograd/test/golden/elementwise.json: for each case, the op name and its
non-tensor arguments, the float64 inputs, a fixed upstream gradient, the output, and the
gradient of every input (null where the input is not differentiated).
Read by packages/autograd/test/ops/elementwiseGolden.test.ts.
"""
import torch
import torch.nn.functional as F

from common import t2j, write

torch.manual_seed(0)
D = torch.float64


def rn(*shape):
    return torch.randn(shape, dtype=D)


def T(values):
    return torch.tensor(values, dtype=D)


# op name -> how PyTorch computes it from (inputs, args)
OPS = {
    "add": lambda a, b, **k: a + b,
    "sub": lambda a, b, **k: a - b,
    "mul": lambda a, b, **k: a * b,
    "div": lambda a, b, **k: a / b,
    "pow": lambda a, b, **k: torch.pow(a, b),
    "powScalarExponent": lambda a, exponent: torch.pow(a, exponent),
    "powScalarBase": lambda a, base: torch.pow(base, a),
    "neg": lambda a: -a,
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "sin": torch.sin,
    "cos": torch.cos,
    "square": torch.square,
    "reciprocal": torch.reciprocal,
    "erf": torch.erf,
    "clamp": lambda a, min=None, max=None: torch.clamp(a, min, max),
    "eq": torch.eq, "ne": torch.ne, "gt": torch.gt, "ge": torch.ge, "lt": torch.lt, "le": torch.le,
    "relu": torch.relu,
    "leakyRelu": lambda a, negativeSlope: F.leaky_relu(a, negativeSlope),
    "elu": lambda a, alpha: F.elu(a, alpha),
    "gelu": lambda a, approximate: F.gelu(a, approximate=approximate),
    "silu": F.silu,
    "softplus": lambda a, beta, threshold: F.softplus(a, beta, threshold),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "sum": lambda a, dim=None, keepDim=False: a.sum() if dim is None else a.sum(dim, keepdim=keepDim),
    "mean": lambda a, dim=None, keepDim=False: a.mean() if dim is None else a.mean(dim, keepdim=keepDim),
    "max": lambda a, dim=None, keepDim=False: a.max() if dim is None else a.max(dim, keepdim=keepDim).values,
    "min": lambda a, dim=None, keepDim=False: a.min() if dim is None else a.min(dim, keepdim=keepDim).values,
    "var": lambda a, dim=None, unbiased=True, keepDim=False: a.var(dim, unbiased=unbiased, keepdim=keepDim),
    "std": lambda a, dim=None, unbiased=True, keepDim=False: a.std(dim, unbiased=unbiased, keepdim=keepDim),
    "logSumExp": lambda a, dim, keepDim=False: torch.logsumexp(a, dim, keepdim=keepDim),
    "argmax": lambda a, dim=None, keepDim=False: torch.argmax(a, dim, keepdim=keepDim),
    "argmin": lambda a, dim=None, keepDim=False: torch.argmin(a, dim, keepdim=keepDim),
    "softmax": lambda a, dim: torch.softmax(a, dim),
    "logSoftmax": lambda a, dim: torch.log_softmax(a, dim),
}
NO_GRAD = {"eq", "ne", "gt", "ge", "lt", "le", "argmax", "argmin"}

cases = []


def case(name, op, inputs, **args):
    """Runs op on float64 copies of inputs; records output and input grads for a fixed upstream."""
    xs = [x.clone().requires_grad_(op not in NO_GRAD) for x in inputs]
    y = OPS[op](*xs, **args)
    entry = {"name": name, "op": op, "args": args, "inputs": [t2j(x) for x in xs], "output": t2j(y)}
    if op not in NO_GRAD:
        upstream = rn(*y.shape)
        grads = torch.autograd.grad(y, xs, upstream, allow_unused=True)
        entry["upstream"] = t2j(upstream)
        entry["grads"] = [t2j(g) if g is not None else t2j(torch.zeros_like(x)) for g, x in zip(grads, xs)]
    cases.append(entry)


# ---- arithmetic: same shape, broadcasting pairs, rank 0 -------------------------------------
for op in ["add", "sub", "mul", "div"]:
    case(f"{op} same shape", op, [rn(2, 3), rn(2, 3)])
    case(f"{op} [2,3] with [3]", op, [rn(2, 3), rn(3)])
    case(f"{op} [2,1,3] with [4,1]", op, [rn(2, 1, 3), rn(4, 1)])
    case(f"{op} rank 0 with [2,2]", op, [rn(), rn(2, 2)])
case("pow positive base, tensor exponent", "pow", [rn(2, 3).abs() + 0.1, rn(2, 3)])
case("pow broadcast [3,1] ^ [4]", "pow", [rn(3, 1).abs() + 0.5, rn(4)])
case("pow with 0 base", "pow", [T([0, 0, 0, 0, 2, 1.5, -2]), T([0, 2, 0.5, -1, 0, 1, 2])])
case("pow scalar exponent 2", "powScalarExponent", [rn(2, 3)], exponent=2)
case("pow scalar exponent 0.5", "powScalarExponent", [rn(5).abs() + 0.1], exponent=0.5)
case("pow scalar exponent 0 at 0", "powScalarExponent", [T([0, 1, -2])], exponent=0)
case("pow scalar exponent 3 at 0", "powScalarExponent", [T([0, 1, -2])], exponent=3)
case("pow scalar base 2", "powScalarBase", [rn(4)], base=2)
case("pow scalar base 0", "powScalarBase", [T([0, 1, 2, -1])], base=0)
case("neg", "neg", [rn(3, 2)])

# ---- unary -----------------------------------------------------------------------------------
case("exp", "exp", [rn(2, 3)])
case("log", "log", [rn(2, 3).abs() + 0.05])
case("sqrt", "sqrt", [rn(2, 3).abs() + 0.05])
case("abs with 0", "abs", [T([-1.5, 0, 2, -0.25])])
case("sin", "sin", [rn(5)])
case("cos", "cos", [rn(5)])
case("square", "square", [rn(2, 2)])
case("reciprocal", "reciprocal", [T([0.5, -2, 3, -0.1])])
case("erf", "erf", [T([-7, -3, -2.5, -1.3, -1, -0.5, -1e-10, 0, 0.3, 0.9, 1.2, 2, 2.9, 4, 5.9, 6.5])])
case("clamp both", "clamp", [T([-2, -1, -0.5, 0, 0.5, 1, 2])], min=-1.0, max=1.0)
case("clamp min only", "clamp", [rn(6)], min=0.0)
case("clamp max only", "clamp", [rn(6)], max=0.1)
case("clamp min > max", "clamp", [T([-1, 0.5, 3])], min=2.0, max=1.0)

# ---- comparisons (forward only) --------------------------------------------------------------
a, b = T([[1, 2, 3], [3, 2, 1]]), T([2, 2, 2])
for op in ["eq", "ne", "gt", "ge", "lt", "le"]:
    case(f"{op} broadcast", op, [a, b])

# ---- activations -------------------------------------------------------------------------------
wide = T([-30, -5, -1.5, -0.2, 0, 0.2, 1.5, 5, 30])
case("relu with 0", "relu", [wide])
case("relu [2,3]", "relu", [rn(2, 3)])
case("leakyRelu 0.01 with 0", "leakyRelu", [wide], negativeSlope=0.01)
case("leakyRelu 0.2", "leakyRelu", [rn(2, 3)], negativeSlope=0.2)
case("elu alpha 1 with 0", "elu", [wide], alpha=1.0)
case("elu alpha 0.5", "elu", [rn(2, 3)], alpha=0.5)
case("gelu exact", "gelu", [wide], approximate="none")
case("gelu exact random", "gelu", [rn(3, 4) * 3], approximate="none")
case("gelu tanh", "gelu", [wide], approximate="tanh")
case("gelu tanh random", "gelu", [rn(3, 4) * 3], approximate="tanh")
case("silu", "silu", [wide])
case("softplus default", "softplus", [wide], beta=1.0, threshold=20.0)
case("softplus beta 2 threshold 5 (above threshold)", "softplus", [T([-4, -1, 0, 1, 2.4, 2.6, 10])], beta=2.0, threshold=5.0)
case("sigmoid", "sigmoid", [T([-800, -50, -3, -0.1, 0, 0.1, 3, 50, 800])])
case("tanh", "tanh", [T([-30, -3, -0.1, 0, 0.1, 3, 30])])

# ---- reductions -------------------------------------------------------------------------------
x = rn(2, 3, 4)
for op in ["sum", "mean"]:
    case(f"{op} all", op, [x])
    case(f"{op} dim 1", op, [x], dim=1)
    case(f"{op} dim -1 keepDim", op, [x], dim=-1, keepDim=True)
    case(f"{op} dims [0, 2]", op, [x], dim=[0, 2])
    case(f"{op} dims [-1, 0] keepDim", op, [x], dim=[-1, 0], keepDim=True)
    case(f"{op} rank 0", op, [rn()])
ties = T([[1, 5, 5], [5, 2, 0]])
for op in ["max", "min"]:
    case(f"{op} all", op, [x])
    case(f"{op} all with ties", op, [ties])
    case(f"{op} all with ties (min side)", op, [T([[0, 3, 0], [1, 0, 2]])])
    case(f"{op} dim 1", op, [x], dim=1)
    case(f"{op} dim -1 keepDim", op, [x], dim=-1, keepDim=True)
    case(f"{op} dim 0 with ties", op, [T([[1, 5, 0], [1, 2, 0], [0, 5, 3]])], dim=0)
    case(f"{op} dim 1 with ties keepDim", op, [ties], dim=1, keepDim=True)
    case(f"{op} rank 0 dim 0", op, [rn()], dim=0)
for op in ["var", "std"]:
    case(f"{op} all unbiased", op, [x])
    case(f"{op} all biased", op, [x], unbiased=False)
    case(f"{op} dim 1 unbiased", op, [x], dim=1)
    case(f"{op} dim -1 biased keepDim", op, [x], dim=-1, unbiased=False, keepDim=True)
    case(f"{op} dims [0, 2] keepDim", op, [x], dim=[0, 2], keepDim=True)
    case(f"{op} one element unbiased (n - 1 = 0)", op, [rn(3, 1)], dim=1)
    case(f"{op} one element biased", op, [rn(3, 1)], dim=1, unbiased=False)
case("logSumExp dim 1", "logSumExp", [x], dim=1)
case("logSumExp dim -1 keepDim", "logSumExp", [x], dim=-1, keepDim=True)
case("logSumExp dims [0, 2]", "logSumExp", [x], dim=[0, 2])
case("logSumExp +-1000", "logSumExp", [T([[1000, 999, -1000], [-1000, -1001, -999]])], dim=1)
case("logSumExp with -inf", "logSumExp", [T([[float("-inf"), 0, 1], [2, float("-inf"), 0]])], dim=1)
y = T([[1, 5, 5, 0], [5, 2, 0, 0], [3, 3, 3, 3]])
for op in ["argmax", "argmin"]:
    case(f"{op} flattened with ties", op, [y])
    case(f"{op} dim 1 with ties", op, [y], dim=1)
    case(f"{op} dim 0 keepDim", op, [y], dim=0, keepDim=True)
    case(f"{op} dim -1 random", op, [x], dim=-1)

# ---- softmax ------------------------------------------------------------------------------------
for op in ["softmax", "logSoftmax"]:
    case(f"{op} dim -1", op, [x], dim=-1)
    case(f"{op} dim 0", op, [x], dim=0)
    case(f"{op} dim 1", op, [x], dim=1)
    case(f"{op} +-1000", op, [T([[1000, 999, -1000], [-1000, -1001, -999]])], dim=1)
    case(f"{op} rank 0", op, [rn()], dim=0)

write("packages/autograd/test/golden/elementwise.json", {"cases": cases})
