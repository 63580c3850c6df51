"""Golden values for @tsgrad/nn layers (PyTorch 1.13, float64).

Writes packages/nn/test/golden/layers.json:
  layers: [{name, kind, args, params, input, upstream, output, gradInput, gradParams}]
     loss = Σ output·upstream; params/gradParams keyed by tsgrad's camelCase names
  batchNorm: [{name, kind, args, params, inputs (one per training step), outputs, runningMean,
     runningVar, numBatchesTracked (after each step), gradInput/gradWeight/gradBias of step 0,
     evalInput, evalOutput}]
  init: {gains: [[nonlinearity, param, gain]], fans: [[shape, fanIn, fanOut]]}
"""
import torch
import torch.nn as nn

from common import t2j, write

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
D = torch.float64


def camel(name):
    parts = name.split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


layers = []


def layer(name, kind, args, module, inp, index_input=False):
    x = inp.clone()
    if not index_input:
        x.requires_grad_(True)
    y = module(x)
    upstream = torch.randn_like(y)
    (y * upstream).sum().backward()
    c = {"name": name, "kind": kind, "args": args,
         "params": {camel(k): t2j(v) for k, v in module.named_parameters()},
         "input": t2j(inp), "upstream": t2j(upstream), "output": t2j(y),
         "gradParams": {camel(k): t2j(v.grad) for k, v in module.named_parameters()}}
    if not index_input:
        c["gradInput"] = t2j(x.grad)
    layers.append(c)


layer("Linear 5→4", "Linear", {"in": 5, "out": 4}, nn.Linear(5, 4), torch.randn(3, 5))
layer("Linear 5→4 no bias, 3-d input", "Linear", {"in": 5, "out": 4, "bias": False}, nn.Linear(5, 4, bias=False),
      torch.randn(2, 3, 5))
for name, args, kw in [
    ("Conv2d 3x3", {"in": 2, "out": 3, "k": 3}, {}),
    ("Conv2d stride 2 padding 1", {"in": 2, "out": 3, "k": 3, "stride": 2, "padding": 1},
     {"stride": 2, "padding": 1}),
    ("Conv2d dilation 2 no bias", {"in": 2, "out": 2, "k": [2, 3], "dilation": 2, "bias": False},
     {"dilation": 2, "bias": False}),
    ("Conv2d groups 2", {"in": 4, "out": 6, "k": 3, "groups": 2, "padding": [1, 0]},
     {"groups": 2, "padding": (1, 0)}),
]:
    k = args["k"] if isinstance(args["k"], int) else tuple(args["k"])
    layer(name, "Conv2d", args, nn.Conv2d(args["in"], args["out"], k, **kw),
          torch.randn(2, args["in"], 7, 6))
img = torch.randn(2, 3, 6, 5)
layer("MaxPool2d 2", "MaxPool2d", {"k": 2}, nn.MaxPool2d(2), img)
layer("MaxPool2d 3 stride 2 padding 1", "MaxPool2d", {"k": 3, "stride": 2, "padding": 1},
      nn.MaxPool2d(3, stride=2, padding=1), img)
layer("AvgPool2d 2", "AvgPool2d", {"k": 2}, nn.AvgPool2d(2), img)
layer("AvgPool2d 3 stride 1 padding 1", "AvgPool2d", {"k": 3, "stride": 1, "padding": 1},
      nn.AvgPool2d(3, stride=1, padding=1), img)
layer("AdaptiveAvgPool2d (2, 3)", "AdaptiveAvgPool2d", {"out": [2, 3]}, nn.AdaptiveAvgPool2d((2, 3)), img)
layer("AdaptiveAvgPool2d 1", "AdaptiveAvgPool2d", {"out": 1}, nn.AdaptiveAvgPool2d(1), img)
layer("Flatten", "Flatten", {}, nn.Flatten(), img)
layer("Embedding", "Embedding", {"num": 6, "dim": 3}, nn.Embedding(6, 3),
      torch.tensor([[0, 2, 5], [2, 2, 1]]), index_input=True)
layer("Embedding paddingIdx 2", "Embedding", {"num": 6, "dim": 3, "paddingIdx": 2},
      nn.Embedding(6, 3, padding_idx=2), torch.tensor([[0, 2, 5], [2, 2, 1]]), index_input=True)
act_in = torch.randn(3, 4) * 2
for kind, args, module in [
    ("ReLU", {}, nn.ReLU()), ("LeakyReLU", {"slope": 0.2}, nn.LeakyReLU(0.2)), ("ELU", {"alpha": 0.7}, nn.ELU(0.7)),
    ("GELU", {}, nn.GELU()), ("GELU", {"approximate": "tanh"}, nn.GELU(approximate="tanh")), ("SiLU", {}, nn.SiLU()),
    ("Sigmoid", {}, nn.Sigmoid()), ("Tanh", {}, nn.Tanh()), ("Softplus", {"beta": 2, "threshold": 3},
                                                              nn.Softplus(2, 3)),
    ("Softmax", {"dim": 1}, nn.Softmax(1)), ("LogSoftmax", {"dim": 0}, nn.LogSoftmax(0)),
]:
    layer(f"{kind} {args}", kind, args, module, act_in)
for shape, affine in [([4], True), ([3, 4], True), ([4], False)]:
    m = nn.LayerNorm(shape, elementwise_affine=affine, eps=1e-4)
    if affine:
        with torch.no_grad():
            m.weight.copy_(torch.randn(shape))
            m.bias.copy_(torch.randn(shape))
    layer(f"LayerNorm {shape} affine={affine}", "LayerNorm", {"shape": shape, "affine": affine, "eps": 1e-4}, m,
          torch.randn(2, 3, 4) * 3 + 1)

batch_norms = []
for kind, shape, args in [
    ("BatchNorm1d", [8, 3], {"c": 3}),
    ("BatchNorm1d", [4, 3, 5], {"c": 3, "momentum": None}),
    ("BatchNorm2d", [4, 3, 3, 2], {"c": 3, "momentum": 0.3, "eps": 1e-3}),
    ("BatchNorm2d", [4, 3, 3, 2], {"c": 3, "affine": False}),
    ("BatchNorm2d", [4, 3, 3, 2], {"c": 3, "trackRunningStats": False}),
]:
    cls = getattr(nn, kind)
    m = cls(args["c"], eps=args.get("eps", 1e-5), momentum=args.get("momentum", 0.1),
            affine=args.get("affine", True), track_running_stats=args.get("trackRunningStats", True))
    if m.affine:
        with torch.no_grad():
            m.weight.copy_(torch.randn(args["c"]))
            m.bias.copy_(torch.randn(args["c"]))
    c = {"name": f"{kind} {shape} {args}", "kind": kind, "args": args,
         "params": {k: t2j(v) for k, v in m.named_parameters()},
         "inputs": [], "outputs": [], "runningMean": [], "runningVar": [], "numBatchesTracked": []}
    m.train()
    for step in range(4):
        x = (torch.randn(*shape) * (step + 1) + step).requires_grad_(True)
        y = m(x)
        if step == 0:
            up = torch.randn_like(y)
            (y * up).sum().backward()
            c["upstream"] = t2j(up)
            c["gradInput"] = t2j(x.grad)
            if m.affine:
                c["gradWeight"] = t2j(m.weight.grad)
                c["gradBias"] = t2j(m.bias.grad)
        c["inputs"].append(t2j(x))
        c["outputs"].append(t2j(y))
        if m.track_running_stats:
            c["runningMean"].append(t2j(m.running_mean))
            c["runningVar"].append(t2j(m.running_var))
            c["numBatchesTracked"].append(int(m.num_batches_tracked))
    m.eval()
    xe = torch.randn(*shape) * 2 + 1
    c["evalInput"] = t2j(xe)
    c["evalOutput"] = t2j(m(xe))
    batch_norms.append(c)

gains = [[n, p, nn.init.calculate_gain(n, p)] for n, p in [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
    ("leaky_relu", 0.2), ("selu", None)]]
gains = [[camel(n).replace("Relu", "Relu"), p, g] for n, p, g in gains]
fans = []
for shape in [[4, 3], [16, 8, 3, 3], [6, 2, 5], [10, 4, 2, 3, 1]]:
    fi, fo = nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    fans.append([shape, fi, fo])

write("packages/nn/test/golden/layers.json", {"layers": layers, "batchNorm": batch_norms,
                                              "init": {"gains": gains, "fans": fans}})
