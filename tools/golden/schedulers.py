"""Golden learning-rate (and momentum) sequences of torch.optim.lr_scheduler (PyTorch 1.13)
for packages/optim/test/schedulers.test.ts.

Each case builds an optimizer with two param groups (lr 0.1 and 0.05), attaches the
scheduler, records every group's lr (and momentum / beta1) right after construction and after
each of STEPS calls of optimizer.step(); scheduler.step(). Options are written in the tests'
camelCase and translated here. LambdaLR's functions are named; the tests define the same ones.
Run: /usr/bin/python3 tools/golden/schedulers.py
"""
import re
import warnings

import torch
from torch.optim import lr_scheduler as S

from common import write

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore")
STEPS = 40

LAMBDAS = {
    "warmupDecay": lambda e: min(1.0, (e + 1) / 5) * 0.95 ** e,
    "inverse": lambda e: 1 / (e + 1),
    "geometric": lambda e: 0.9 ** e,
}
NAMES = {"tMax": "T_max", "expRange": "exp_range"}


def snake(name):
    return NAMES.get(name) or re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def torch_kwargs(options):
    out = {}
    for k, v in options.items():
        if k == "lrLambda":
            v = [LAMBDAS[n] for n in v] if isinstance(v, list) else LAMBDAS[v]
        elif isinstance(v, str):
            v = snake(v)
        out[snake(k)] = v
    return out


def make_optimizer(kind):
    params = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    groups = [{"params": [params[0]], "lr": 0.1}, {"params": [params[1]], "lr": 0.05}]
    if kind == "Adam":
        return torch.optim.Adam(groups, lr=0.1)
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9)


def build(opt, spec):
    if spec["scheduler"] == "SequentialLR":
        subs = [build(opt, s) for s in spec["options"]["schedulers"]]
        return S.SequentialLR(opt, subs, milestones=spec["options"]["milestones"])
    return getattr(S, spec["scheduler"])(opt, **torch_kwargs(spec["options"]))


def momentum_of(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run(spec):
    opt = make_optimizer(spec.get("optimizer", "SGD"))
    sched = build(opt, spec)
    lrs = [[g["lr"] for g in opt.param_groups]]
    momenta = [momentum_of(opt)]
    # ReduceLROnPlateau has no get_last_lr in 1.13, only _last_lr (set by step).
    last = [sched._last_lr if hasattr(sched, "_last_lr") else None]
    metrics = spec.get("metrics")
    for t in range(STEPS):
        opt.step()
        if metrics is not None:
            sched.step(metrics[t])
        else:
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        momenta.append(momentum_of(opt))
        last.append(list(sched._last_lr))
    return {**spec, "lrs": lrs, "momenta": momenta, "lastLr": last}


PLATEAU = [1.0, 0.9, 0.85, 0.86, 0.84, 0.84, 0.85, 0.83, 0.83, 0.83, 0.9, 0.7, 0.71, 0.72, 0.73, 0.74,
           0.69, 0.69, 0.70, 0.68] * 2
CASES = [
    {"scheduler": "StepLR", "options": {"stepSize": 7, "gamma": 0.5}},
    {"scheduler": "MultiStepLR", "options": {"milestones": [5, 12, 12, 30], "gamma": 0.3}},
    {"scheduler": "ExponentialLR", "options": {"gamma": 0.9}},
    {"scheduler": "PolynomialLR", "options": {"totalIters": 20, "power": 2.0}},
    {"scheduler": "PolynomialLR", "options": {}},
    {"scheduler": "CosineAnnealingLR", "options": {"tMax": 10, "etaMin": 0.001}},
    {"scheduler": "CosineAnnealingLR", "options": {"tMax": 50}},
    {"scheduler": "LinearLR", "options": {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 8}},
    {"scheduler": "LinearLR", "options": {"startFactor": 1.0, "endFactor": 0.1, "totalIters": 30}},
    {"scheduler": "ConstantLR", "options": {"factor": 0.5, "totalIters": 6}},
    {"scheduler": "ConstantLR", "options": {}},
    {"scheduler": "LambdaLR", "options": {"lrLambda": "warmupDecay"}},
    {"scheduler": "LambdaLR", "options": {"lrLambda": ["inverse", "geometric"]}},
    {"scheduler": "CyclicLR", "options": {"baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 4, "stepSizeDown": 6}},
    {"scheduler": "CyclicLR", "options": {"baseLr": [0.01, 0.02], "maxLr": [0.1, 0.2], "stepSizeUp": 5,
                                          "mode": "triangular2"}},
    {"scheduler": "CyclicLR", "options": {"baseLr": 0.001, "maxLr": 0.1, "stepSizeUp": 3, "mode": "expRange",
                                          "gamma": 0.97, "baseMomentum": 0.7, "maxMomentum": 0.95}},
    {"scheduler": "CyclicLR", "options": {"baseLr": 0.01, "maxLr": 0.05, "stepSizeUp": 7, "cycleMomentum": False}},
    {"scheduler": "OneCycleLR", "options": {"maxLr": 0.5, "totalSteps": 40}},
    {"scheduler": "OneCycleLR", "options": {"maxLr": [0.5, 0.3], "totalSteps": 41, "annealStrategy": "linear",
                                            "threePhase": True, "pctStart": 0.25, "divFactor": 10.0,
                                            "finalDivFactor": 100.0}},
    {"scheduler": "OneCycleLR", "optimizer": "Adam", "options": {"maxLr": 0.01, "epochs": 4, "stepsPerEpoch": 10,
                                                                 "baseMomentum": 0.8, "maxMomentum": 0.9}},
    {"scheduler": "OneCycleLR", "options": {"maxLr": 0.2, "totalSteps": 45, "cycleMomentum": False,
                                            "threePhase": True}},
    {"scheduler": "SequentialLR", "options": {
        "schedulers": [{"scheduler": "LinearLR", "options": {"startFactor": 0.1, "totalIters": 5}},
                       {"scheduler": "CosineAnnealingLR", "options": {"tMax": 20}}],
        "milestones": [5]}},
    {"scheduler": "SequentialLR", "options": {
        "schedulers": [{"scheduler": "ConstantLR", "options": {"factor": 0.5, "totalIters": 3}},
                       {"scheduler": "ExponentialLR", "options": {"gamma": 0.9}},
                       {"scheduler": "StepLR", "options": {"stepSize": 3}}],
        "milestones": [4, 15]}},
    {"scheduler": "ReduceLROnPlateau", "options": {"patience": 2, "factor": 0.5}, "metrics": PLATEAU},
    {"scheduler": "ReduceLROnPlateau", "options": {"mode": "max", "patience": 1, "cooldown": 2, "threshold": 0.05,
                                                   "thresholdMode": "abs", "minLr": [0.01, 0.02]},
     "metrics": [1 - m for m in PLATEAU]},
    {"scheduler": "ReduceLROnPlateau", "options": {"patience": 0, "factor": 0.9, "cooldown": 1, "eps": 0.004},
     "metrics": PLATEAU},
]


def main():
    write("packages/optim/test/golden/schedulers.json", {"steps": STEPS, "cases": [run(c) for c in CASES]})


if __name__ == "__main__":
    main()
