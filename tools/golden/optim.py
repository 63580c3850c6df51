"""Golden trajectories of torch.optim (PyTorch 1.13) for packages/optim/test/optimizers.test.ts.

Every optimizer and option combination runs 25 steps on two objectives, in float64:
  rosenbrock  f(x) = (1 − x₀)² + 100·(x₁ − x₀²)² on one 2-vector, from (−1.2, 1);
  quadratic   ½·mean over 4 rows of ‖X·Wᵀ + b − Y‖² over W [2, 3] and b [2], with two param
              groups (b's group has half the lr), and b's gradient missing every third step.
Gradients are written by hand with plain float arithmetic in a fixed order, so the tests
compute bit-identical gradients and any difference comes from the optimizer alone.
Also: clip_grad_norm_ / clip_grad_value_ for several norm types.
Run: /usr/bin/python3 tools/golden/optim.py
"""
import re

import torch

from common import t2j, write

torch.set_default_dtype(torch.float64)  # also makes PyTorch's scalar state tensors float64
STEPS = 25

X = [[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 1.1], [1.0, 1.0, -1.0]]
Y = [[1.0, -2.0], [0.5, 0.0], [2.0, 1.0], [-1.0, 0.5]]
W0 = [[0.1, -0.2, 0.3], [-0.4, 0.5, 0.6]]
B0 = [0.05, -0.05]


def rosenbrock_grad(x):
    x0, x1 = x
    return [-2 * (1 - x0) - 400 * x0 * (x1 - x0 * x0), 200 * (x1 - x0 * x0)]


def quadratic_grads(w, b):
    n = len(X)
    r = [[0.0, 0.0] for _ in range(n)]
    for i in range(n):
        for j in range(2):
            s = 0.0
            for k in range(3):
                s += X[i][k] * w[j][k]
            r[i][j] = s + b[j] - Y[i][j]
    gw = [[0.0] * 3 for _ in range(2)]
    gb = [0.0, 0.0]
    for j in range(2):
        for k in range(3):
            s = 0.0
            for i in range(n):
                s += r[i][j] * X[i][k]
            gw[j][k] = s / n
        s = 0.0
        for i in range(n):
            s += r[i][j]
        gb[j] = s / n
    return gw, gb


def snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def torch_options(options):
    return {snake(k): (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}


LRS = {  # (rosenbrock, quadratic)
    "SGD": (5e-4, 0.2), "RMSprop": (1e-2, 1e-2), "Adam": (5e-2, 5e-2), "AdamW": (5e-2, 5e-2),
    "Adagrad": (1e-1, 2e-1), "NAdam": (5e-2, 5e-2), "RAdam": (5e-2, 5e-2),
}
VARIANTS = {
    "SGD": [{}, {"momentum": 0.9}, {"momentum": 0.9, "dampening": 0.5}, {"momentum": 0.9, "nesterov": True},
            {"weightDecay": 0.1}, {"momentum": 0.8, "weightDecay": 0.05, "nesterov": True},
            {"momentum": 0.9, "maximize": True}],
    "RMSprop": [{}, {"alpha": 0.9}, {"momentum": 0.5}, {"centered": True},
                {"centered": True, "momentum": 0.5, "weightDecay": 0.1}, {"maximize": True, "eps": 1e-6}],
    "Adam": [{}, {"betas": [0.8, 0.99]}, {"amsgrad": True}, {"weightDecay": 0.1},
             {"weightDecay": 0.1, "amsgrad": True, "eps": 1e-6}, {"maximize": True}],
    "AdamW": [{}, {"weightDecay": 0.1}, {"amsgrad": True, "weightDecay": 0.05}, {"maximize": True}],
    "Adagrad": [{}, {"lrDecay": 0.05}, {"weightDecay": 0.1}, {"initialAccumulatorValue": 0.5, "eps": 1e-6},
                {"maximize": True}],
    "NAdam": [{}, {"momentumDecay": 0.01, "weightDecay": 0.1}, {"betas": [0.85, 0.99]}],
    "RAdam": [{}, {"weightDecay": 0.1}, {"betas": [0.9, 0.9]}],
}


def run(opt_name, options, objective):
    cls = getattr(torch.optim, opt_name)
    # maximize ascends, so the tests ascend −f: the trajectory stays the descent of f.
    sign = -1.0 if options.get("maximize") else 1.0
    kw = torch_options(options)
    traj = []
    if objective == "rosenbrock":
        x = torch.tensor([-1.2, 1.0], requires_grad=True)
        opt = cls([x], **kw)
        for _ in range(STEPS):
            g = rosenbrock_grad(x.detach().tolist())
            x.grad = torch.tensor([sign * v for v in g])
            opt.step()
            traj.append(x.detach().clone())
        return {"x": t2j(torch.stack(traj))}
    w = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(B0, requires_grad=True)
    opt = cls([{"params": [w]}, {"params": [b], "lr": kw["lr"] / 2}], **kw)
    tw, tb = [], []
    for step in range(STEPS):
        gw, gb = quadratic_grads(w.detach().tolist(), b.detach().tolist())
        w.grad = torch.tensor([[sign * v for v in row] for row in gw])
        b.grad = None if step % 3 == 2 else torch.tensor([sign * v for v in gb])
        opt.step()
        tw.append(w.detach().clone())
        tb.append(b.detach().clone())
    return {"w": t2j(torch.stack(tw)), "b": t2j(torch.stack(tb))}


def clipping():
    gen = torch.Generator().manual_seed(0)
    shapes = [[3, 4], [5], [2, 2]]
    grads = [torch.randn(s, generator=gen) * 3 for s in shapes]
    cases = []
    for norm_type in [2.0, 1.0, float("inf"), 3.0, 0.5]:
        for max_norm in [1.0, 1000.0]:
            ps = [torch.zeros(s, requires_grad=True) for s in shapes]
            for p, g in zip(ps, grads):
                p.grad = g.clone()
            total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
            cases.append({"normType": "Infinity" if norm_type == float("inf") else norm_type, "maxNorm": max_norm,
                          "total": total.item(), "grads": [t2j(p.grad) for p in ps]})
    ps = [torch.zeros(s, requires_grad=True) for s in shapes]
    for p, g in zip(ps, grads):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_value_(ps, 1.5)
    return {"grads": [t2j(g) for g in grads], "norm": cases, "value": {"clipValue": 1.5, "grads": [t2j(p.grad) for p in ps]}}


def main():
    cases = []
    for name, variants in VARIANTS.items():
        for variant in variants:
            for objective, lr in zip(["rosenbrock", "quadratic"], LRS[name]):
                options = {"lr": lr, **variant}
                cases.append({"optimizer": name, "objective": objective, "options": options,
                              **run(name, options, objective)})
    write("packages/optim/test/golden/optim.json", {
        "steps": STEPS, "X": X, "Y": Y, "W0": W0, "B0": B0, "cases": cases, "clip": clipping()})


if __name__ == "__main__":
    main()
