"""Golden values of torch.optim.swa_utils (PyTorch 1.13) for packages/optim/test/swa.test.ts.

Model: Sequential(Linear(3, 4), BatchNorm1d(4), Linear(4, 2)) in float64.
  averaged: five model states (parameters and buffers) are folded into AveragedModel with the
            SWA average, SWA with use_buffers, and an EMA (decay 0.9, PyTorch 2.x's
            get_ema_avg_fn formula passed as avg_fn); the averaged tensors after each update.
  updateBn: running statistics after update_bn over four batches (and with (x, y) batches).
  swalr:    lr sequences of SWALR (cos, linear, annealEpochs 0, after a CosineAnnealingLR).
Run: /usr/bin/python3 tools/golden/swa.py
"""
import warnings

import torch
from torch import nn
from torch.optim import swa_utils

from common import t2j, write

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore")
gen = torch.Generator().manual_seed(7)


def model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))


def state_of(m):
    return {"params": [t2j(p) for p in m.parameters()], "buffers": [t2j(b) for b in m.buffers()]}


def random_state(m, k):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
        bn = m[1]
        bn.running_mean.copy_(torch.randn(4, generator=gen))
        bn.running_var.copy_(torch.rand(4, generator=gen) + 0.5)
        bn.num_batches_tracked.fill_(k + 1)


def averaged():
    source = model()
    random_state(source, 0)
    initial = state_of(source)
    ema = lambda a, c, n: 0.9 * a + (1 - 0.9) * c
    avgs = {
        "swa": swa_utils.AveragedModel(source),
        "swaBuffers": swa_utils.AveragedModel(source, use_buffers=True),
        "ema": swa_utils.AveragedModel(source, avg_fn=ema, use_buffers=True),
    }
    states, out = [], {k: [] for k in avgs}
    for k in range(5):
        random_state(source, k)
        states.append(state_of(source))
        for name, avg in avgs.items():
            avg.update_parameters(source)
            out[name].append(state_of(avg.module))
    return {"initial": initial, "states": states, "averaged": out}


def update_bn():
    m = model()
    random_state(m, 3)
    initial = state_of(m)
    batches = [torch.randn(6, 3, generator=gen) * 2 + 1 for _ in range(4)]
    m.eval()
    swa_utils.update_bn(batches, m)
    after = state_of(m)
    return {"initial": initial, "batches": [t2j(b) for b in batches], "after": after, "training": m.training,
            "momentum": m[1].momentum}


def swalr():
    def opt():
        ps = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
        return torch.optim.SGD([{"params": [ps[0]], "lr": 0.1}, {"params": [ps[1]], "lr": 0.05}], lr=0.1)

    cases = []
    for options in [{"swaLr": 0.02, "annealEpochs": 5, "annealStrategy": "cos"},
                    {"swaLr": [0.02, 0.01], "annealEpochs": 4, "annealStrategy": "linear"},
                    {"swaLr": 0.03, "annealEpochs": 0}]:
        o = opt()
        s = swa_utils.SWALR(o, swa_lr=options["swaLr"], anneal_epochs=options["annealEpochs"],
                            anneal_strategy=options.get("annealStrategy", "cos"))
        lrs = [[g["lr"] for g in o.param_groups]]
        for _ in range(12):
            o.step()
            s.step()
            lrs.append([g["lr"] for g in o.param_groups])
        cases.append({"options": options, "lrs": lrs})
    # The usual SWA recipe: a cosine schedule first, then SWALR from wherever it left the lr.
    o = opt()
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10)
    s = swa_utils.SWALR(o, swa_lr=0.01, anneal_epochs=3)
    lrs = [[g["lr"] for g in o.param_groups]]
    for t in range(14):
        o.step()
        (cos if t < 6 else s).step()
        lrs.append([g["lr"] for g in o.param_groups])
    cases.append({"options": {"swaLr": 0.01, "annealEpochs": 3}, "afterCosine": {"tMax": 10, "steps": 6}, "lrs": lrs})
    return cases


def main():
    write("packages/optim/test/golden/swa.json", {"averaging": averaged(), "updateBn": update_bn(), "swalr": swalr()})


if __name__ == "__main__":
    main()
