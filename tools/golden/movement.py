"""Golden values for the movement and indexing ops (PyTorch 1.13).

Run: /usr/bin/python3 tools/golden/movement.py
Writes packages/autograd/test/golden/movement.json: for each case, the op name and its
non-tensor arguments, the float64 inputs (index tensors stored as floats holding whole numbers,
as tsgrad keeps them), which inputs are differentiated, a fixed upstream gradient, the output,
and the gradient of every differentiated input.
Read by packages/autograd/test/ops/movementGolden.test.ts.
"""
import torch

from common import t2j, write

torch.manual_seed(0)
D = torch.float64


def rn(*shape):
    return torch.randn(shape, dtype=D)


def T(values):
    return torch.tensor(values, dtype=D)


# op name -> how PyTorch computes it from (inputs, args); index inputs arrive as float64 tensors
OPS = {
    "reshape": lambda x, shape: x.reshape(shape),
    "expand": lambda x, shape: x.expand(shape),
    "flatten": lambda x, startDim=0, endDim=-1: x.flatten(startDim, endDim),
    "transpose": lambda x, dim0, dim1: x.transpose(dim0, dim1),
    "permute": lambda x, dims: x.permute(dims),
    "squeeze": lambda x, dim=None: x.squeeze() if dim is None else x.squeeze(dim),
    "unsqueeze": lambda x, dim: x.unsqueeze(dim),
    "narrow": lambda x, dim, start, length: x.narrow(dim, start, length),
    "cat": lambda *xs, dim: torch.cat(xs, dim),
    "stack": lambda *xs, dim: torch.stack(xs, dim),
    "gather": lambda x, index, dim: torch.gather(x, dim, index.long()),
    "scatterAdd": lambda x, index, src, dim: x.scatter_add(dim, index.long(), src),
    "indexSelect": lambda x, index, dim: x.index_select(dim, index.long()),
    "indexAdd": lambda x, index, src, dim: x.index_add(dim, index.long(), src),
    "where": lambda cond, a, b: torch.where(cond != 0, a, b),
    "whereScalarB": lambda cond, a, b: torch.where(cond != 0, a, b),
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "maximumScalar": lambda a, other: torch.maximum(a, torch.tensor(other, dtype=D)),
    "minimumScalar": lambda a, other: torch.minimum(a, torch.tensor(other, dtype=D)),
}

cases = []


def case(name, op, inputs, differentiable=None, **args):
    """Runs op on float64 copies of inputs; records output and input grads for a fixed upstream."""
    diff = differentiable or [True] * len(inputs)
    xs = [x.clone().requires_grad_(d) for x, d in zip(inputs, diff)]
    y = OPS[op](*xs, **args)
    upstream = rn(*y.shape)
    wanted = [x for x in xs if x.requires_grad]
    grads = iter(torch.autograd.grad(y, wanted, upstream, allow_unused=True))
    out = []
    for x in xs:
        g = next(grads) if x.requires_grad else None
        out.append(None if not x.requires_grad else t2j(g if g is not None else torch.zeros_like(x)))
    cases.append({"name": name, "op": op, "args": args, "inputs": [t2j(x) for x in xs], "differentiable": diff,
                  "output": t2j(y), "upstream": t2j(upstream), "grads": out})


x = rn(2, 3, 4)
# ---- reshapes --------------------------------------------------------------------------------
case("reshape to [4, -1]", "reshape", [x], shape=[4, -1])
case("expand [3, 1] to [2, 3, 4]", "expand", [rn(3, 1)], shape=[2, 3, 4])
case("expand with -1", "expand", [rn(1, 3)], shape=[2, -1])
case("flatten all", "flatten", [x])
case("flatten from 1", "flatten", [x], startDim=1)
case("flatten 0..-2", "flatten", [x], startDim=0, endDim=-2)
case("flatten rank 0", "flatten", [rn()])
case("squeeze all", "squeeze", [rn(1, 3, 1, 2)])
case("squeeze dim 2", "squeeze", [rn(1, 3, 1, 2)], dim=2)
case("squeeze dim -1 of size 3 (no-op)", "squeeze", [rn(2, 3)], dim=-1)
case("unsqueeze 0", "unsqueeze", [rn(2, 3)], dim=0)
case("unsqueeze -1", "unsqueeze", [rn(2, 3)], dim=-1)
case("unsqueeze -3", "unsqueeze", [rn(2, 3)], dim=-3)
case("unsqueeze rank 0", "unsqueeze", [rn()], dim=0)

# ---- permutations -----------------------------------------------------------------------------
case("transpose 0 2", "transpose", [x], dim0=0, dim1=2)
case("transpose -1 -2", "transpose", [x], dim0=-1, dim1=-2)
case("transpose rank 1", "transpose", [rn(3)], dim0=0, dim1=-1)
case("permute 2 0 1", "permute", [x], dims=[2, 0, 1])
case("permute -1 0 1", "permute", [x], dims=[-1, 0, 1])
case("permute 4-D 3 1 0 2", "permute", [rn(2, 1, 3, 2)], dims=[3, 1, 0, 2])

# ---- slices and joins -------------------------------------------------------------------------
case("narrow dim 1", "narrow", [x], dim=1, start=1, length=2)
case("narrow dim -1 negative start", "narrow", [x], dim=-1, start=-3, length=2)
case("narrow length 0", "narrow", [x], dim=2, start=4, length=0)
case("cat dim 0", "cat", [rn(2, 3), rn(1, 3)], dim=0)
case("cat dim -1 three", "cat", [rn(2, 1), rn(2, 3), rn(2, 2)], dim=-1)
case("cat with an empty part", "cat", [rn(2, 0, 3), rn(2, 2, 3)], dim=1)
case("stack dim 0", "stack", [rn(2, 3), rn(2, 3)], dim=0)
case("stack dim -1", "stack", [rn(2, 3), rn(2, 3), rn(2, 3)], dim=-1)
case("stack rank 0", "stack", [rn(), rn()], dim=0)

# ---- gather / scatterAdd (repeated indices accumulate) ---------------------------------------
case("gather dim 1 with repeats", "gather", [rn(3, 4), T([[0, 0, 3], [1, 2, 1], [3, 3, 3]])], [True, False], dim=1)
case("gather dim -1 index smaller", "gather", [rn(3, 4), T([[2], [0]])], [True, False], dim=-1)
case("gather dim 0 rank 3", "gather", [x, T([[[1, 0, 1, 1], [0, 0, 1, 0]]])], [True, False], dim=0)
case("gather rank 0", "gather", [rn(), T(0)], [True, False], dim=0)
case("scatterAdd dim 1 with repeats", "scatterAdd", [rn(2, 5), T([[0, 0, 4], [1, 1, 1]]), rn(2, 3)],
     [True, False, True], dim=1)
case("scatterAdd dim -2", "scatterAdd", [rn(3, 2), T([[2, 0], [2, 2]]), rn(2, 2)], [True, False, True], dim=-2)

# ---- indexSelect / indexAdd ------------------------------------------------------------------
case("indexSelect dim 0 with repeats", "indexSelect", [rn(3, 2), T([2, 0, 2, 2])], [True, False], dim=0)
case("indexSelect dim -1", "indexSelect", [x, T([3, 1])], [True, False], dim=-1)
case("indexSelect dim 1 empty index", "indexSelect", [x, T([])], [True, False], dim=1)
case("indexAdd dim 1 with repeats", "indexAdd", [rn(2, 3), T([2, 2, 0]), rn(2, 3)], [True, False, True], dim=1)

# ---- where, maximum, minimum -------------------------------------------------------------------
case("where broadcast cond [3,1] a [1,4] b []", "where", [T([[1], [0], [-2]]), rn(1, 4), rn()], [False, True, True])
case("where same shape", "where", [T([[0, 1, 0], [1, 1, 0]]), rn(2, 3), rn(2, 3)], [False, True, True])
case("where scalar b", "whereScalarB", [T([1, 0, 0.5]), rn(3)], [False, True], b=0.5)
ta = T([[1, 2, 3], [0, -1, 5]])
tb = T([[1, 0, 3], [2, -1, 4]])
for op in ["maximum", "minimum"]:
    case(f"{op} with ties", op, [ta, tb])
    case(f"{op} broadcast with ties", op, [ta, T([2, -1, 3])])
    case(f"{op} broadcast [3,1] [4]", op, [rn(3, 1), rn(4)])
    case(f"{op} scalar with ties", f"{op}Scalar", [ta], other=2.0)

write("packages/autograd/test/golden/movement.json", {"cases": cases})
