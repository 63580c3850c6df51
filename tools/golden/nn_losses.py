"""Golden values for @tsgrad/nn losses: each loss, each option, value and gradient (PyTorch 1.13).

Writes packages/nn/test/golden/losses.json: a list of cases
  {name, fn, options, input, target, weight?, posWeight?, loss, grad}
where grad is d(loss.sum())/d(input) (for reduction 'none' the upstream gradient is all ones).
"""
import torch
import torch.nn.functional as F

from common import t2j, write

torch.manual_seed(0)
D = torch.float64
cases = []


def case(name, fn, torch_fn, inp, target, options, weight=None, pos_weight=None):
    x = inp.clone().requires_grad_(True)
    loss = torch_fn(x, target)
    loss.sum().backward()
    c = {"name": name, "fn": fn, "options": options, "input": t2j(inp), "target": t2j(target),
         "loss": t2j(loss), "grad": t2j(x.grad)}
    if weight is not None:
        c["weight"] = t2j(weight)
    if pos_weight is not None:
        c["posWeight"] = t2j(pos_weight)
    cases.append(c)


reductions = ["mean", "sum", "none"]
x = torch.randn(4, 3, dtype=D)
y = torch.randn(4, 3, dtype=D)
for r in reductions:
    case(f"mseLoss/{r}", "mseLoss", lambda a, b: F.mse_loss(a, b, reduction=r), x, y, {"reduction": r})
    case(f"l1Loss/{r}", "l1Loss", lambda a, b: F.l1_loss(a, b, reduction=r), x, y, {"reduction": r})
    for delta in [1.0, 0.5]:
        case(f"huberLoss/delta={delta}/{r}", "huberLoss",
             lambda a, b: F.huber_loss(a, b, reduction=r, delta=delta), x * 2, y, {"reduction": r, "delta": delta})
    for beta in [1.0, 0.3, 0.0]:
        case(f"smoothL1Loss/beta={beta}/{r}", "smoothL1Loss",
             lambda a, b: F.smooth_l1_loss(a, b, reduction=r, beta=beta), x * 2, y, {"reduction": r, "beta": beta})

p = torch.rand(4, 3, dtype=D) * 0.98 + 0.01
t01 = (torch.rand(4, 3, dtype=D) > 0.5).to(D)
tsoft = torch.rand(4, 3, dtype=D)
wbce = torch.rand(4, 3, dtype=D) + 0.5
for r in reductions:
    case(f"binaryCrossEntropy/{r}", "binaryCrossEntropy", lambda a, b: F.binary_cross_entropy(a, b, reduction=r),
         p, t01, {"reduction": r})
    case(f"binaryCrossEntropy/weight/{r}", "binaryCrossEntropy",
         lambda a, b: F.binary_cross_entropy(a, b, weight=wbce, reduction=r), p, tsoft, {"reduction": r}, weight=wbce)
logits = torch.randn(4, 3, dtype=D) * 3
pw = torch.tensor([0.5, 2.0, 3.0], dtype=D)
for r in reductions:
    case(f"bceWithLogits/{r}", "binaryCrossEntropyWithLogits",
         lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=r), logits, t01, {"reduction": r})
    case(f"bceWithLogits/weight+posWeight/{r}", "binaryCrossEntropyWithLogits",
         lambda a, b: F.binary_cross_entropy_with_logits(a, b, weight=wbce, pos_weight=pw, reduction=r),
         logits, tsoft, {"reduction": r}, weight=wbce, pos_weight=pw)
# Extreme logits stay finite.
big = torch.tensor([[1000.0, -1000.0, 0.0]], dtype=D)
case("bceWithLogits/extreme", "binaryCrossEntropyWithLogits",
     lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="none"), big,
     torch.tensor([[0.0, 1.0, 1.0]], dtype=D), {"reduction": "none"})

# Cross-entropy: [n, C] and [n, C, d] inputs; labels (with ignoreIndex) and probabilities.
z = torch.randn(5, 4, dtype=D) * 2
labels = torch.tensor([0, 3, 1, 3, 2])
labels_ign = torch.tensor([0, -100, 1, 3, -100])
labels_ign7 = torch.tensor([0, 7, 1, 7, 2])
wce = torch.tensor([0.2, 1.0, 2.0, 0.7], dtype=D)
probs = torch.softmax(torch.randn(5, 4, dtype=D), dim=1)
z3 = torch.randn(3, 4, 2, dtype=D)
labels3 = torch.tensor([[0, 3], [2, 1], [1, 1]])
probs3 = torch.softmax(torch.randn(3, 4, 2, dtype=D), dim=1)
for r in reductions:
    for ls in [0.0, 0.2]:
        for wname, w in [("", None), ("weight/", wce)]:
            o = {"reduction": r, "labelSmoothing": ls}
            case(f"crossEntropy/labels/{wname}ls={ls}/{r}", "crossEntropy",
                 lambda a, b: F.cross_entropy(a, b, weight=w, reduction=r, label_smoothing=ls), z, labels, o, weight=w)
            case(f"crossEntropy/ignoreIndex/{wname}ls={ls}/{r}", "crossEntropy",
                 lambda a, b: F.cross_entropy(a, b, weight=w, reduction=r, label_smoothing=ls), z, labels_ign, o,
                 weight=w)
            case(f"crossEntropy/probs/{wname}ls={ls}/{r}", "crossEntropy",
                 lambda a, b: F.cross_entropy(a, b, weight=w, reduction=r, label_smoothing=ls), z, probs, o, weight=w)
            case(f"crossEntropy/3d-labels/{wname}ls={ls}/{r}", "crossEntropy",
                 lambda a, b: F.cross_entropy(a, b, weight=w, reduction=r, label_smoothing=ls), z3, labels3, o,
                 weight=w)
            case(f"crossEntropy/3d-probs/{wname}ls={ls}/{r}", "crossEntropy",
                 lambda a, b: F.cross_entropy(a, b, weight=w, reduction=r, label_smoothing=ls), z3, probs3, o,
                 weight=w)
    case(f"crossEntropy/ignoreIndex=7/{r}", "crossEntropy",
         lambda a, b: F.cross_entropy(a, b, ignore_index=7, reduction=r), z, labels_ign7,
         {"reduction": r, "ignoreIndex": 7})
    logp = torch.log_softmax(z, dim=1)
    for wname, w in [("", None), ("weight/", wce)]:
        case(f"nllLoss/{wname}{r}", "nllLoss", lambda a, b: F.nll_loss(a, b, weight=w, reduction=r), logp, labels_ign,
             {"reduction": r}, weight=w)
    case(f"nllLoss/3d/{r}", "nllLoss", lambda a, b: F.nll_loss(a, b, reduction=r), torch.log_softmax(z3, 1), labels3,
         {"reduction": r})
case("crossEntropy/extreme", "crossEntropy", lambda a, b: F.cross_entropy(a, b, reduction="none"),
     torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], dtype=D), torch.tensor([1, 2]),
     {"reduction": "none"})

# One unbatched sample (after every case above, so their values stay as they were): logits [C]
# with a 0-d label or with probabilities [C].
zu = torch.randn(5, dtype=D)
wu = torch.rand(5, dtype=D) + 0.5
pu = torch.softmax(torch.randn(5, dtype=D), 0)
for r in reductions:
    case(f"crossEntropy/unbatched/label, weight, labelSmoothing/{r}", "crossEntropy",
         lambda a, b: F.cross_entropy(a, b, weight=wu, reduction=r, label_smoothing=0.1), zu, torch.tensor(3),
         {"reduction": r, "labelSmoothing": 0.1}, weight=wu)
    case(f"crossEntropy/unbatched/probabilities/{r}", "crossEntropy",
         lambda a, b: F.cross_entropy(a, b, reduction=r), zu, pu, {"reduction": r})
    case(f"nllLoss/unbatched/{r}", "nllLoss", lambda a, b: F.nll_loss(a, b, reduction=r),
         torch.log_softmax(zu, 0), torch.tensor(1), {"reduction": r})

write("packages/nn/test/golden/losses.json", {"cases": cases})
