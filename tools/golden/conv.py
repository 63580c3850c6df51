"""Golden values for conv2d, maxPool2d, avgPool2d, adaptiveAvgPool2d (ops/conv.ts).

Run: /usr/bin/python3 tools/golden/conv.py  → packages/autograd/test/golden/conv.json
Everything in float64. For conv2d also a double-backward case: the gradient of
s = <∂L/∂x, rx> + <∂L/∂W, rw> with respect to x, W and the upstream gradient gy.
"""
import torch
import torch.nn.functional as F

from common import t2j, write

torch.manual_seed(0)
D = torch.float64


def pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v, v]


CONV_CASES = [
    # name, x shape, w shape, bias, stride, padding, dilation, groups
    ("3x3 pad 1", [2, 3, 7, 6], [4, 3, 3, 3], True, 1, 1, 1, 1),
    ("groups 2, stride [2, 1], dilation [1, 2]", [1, 4, 9, 8], [6, 2, 3, 2], True, (2, 1), (1, 0), (1, 2), 2),
    ("1x1 pointwise, no bias", [2, 2, 5, 5], [3, 2, 1, 1], False, 1, 0, 1, 1),
    ("kernel 4 > stride 3, pad 2", [1, 3, 8, 7], [2, 3, 4, 4], True, 3, 2, 1, 1),
    ("depthwise stride 2", [2, 4, 6, 6], [4, 1, 3, 3], False, 2, 1, 1, 4),
    ("dilation 2, pad [2, 1], batch 3", [3, 1, 5, 4], [2, 1, 2, 3], True, 1, (2, 1), 2, 1),
    ("1x1 stride 2", [2, 3, 5, 6], [2, 3, 1, 1], True, 2, 0, 1, 1),
]


# Generated after all the cases above (so their values stay as they were): padding 'same' (even
# kernels and dilation, so the total padding is odd in a dim and PyTorch pads one more after),
# 'valid', and unbatched [c, h, w] inputs.
EXTRA_CONV_CASES = [
    ("padding same, kernel [4, 2], dilation [1, 3]", [2, 3, 7, 6], [4, 3, 4, 2], True, 1, "same", (1, 3), 1),
    ("padding same, kernel 3, groups 2", [1, 4, 5, 6], [4, 2, 3, 3], False, 1, "same", 1, 2),
    ("padding valid, stride 2", [2, 2, 7, 8], [3, 2, 3, 2], True, 2, "valid", 1, 1),
    ("unbatched [c, h, w], padding 1", [3, 6, 5], [2, 3, 3, 3], True, 1, 1, 1, 1),
    ("unbatched [c, h, w], padding same, kernel 2", [2, 5, 4], [3, 2, 2, 2], True, 1, "same", 1, 1),
]


def conv_case(name, xs, ws, has_bias, stride, padding, dilation, groups):
    x = torch.randn(xs, dtype=D, requires_grad=True)
    w = torch.randn(ws, dtype=D, requires_grad=True)
    b = torch.randn(ws[0], dtype=D, requires_grad=True) if has_bias else None
    y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    gy = torch.randn(y.shape, dtype=D, requires_grad=True)
    inputs = [x, w] + ([b] if has_bias else [])
    grads = torch.autograd.grad(y, inputs, gy, create_graph=True)
    rx = torch.randn(xs, dtype=D)
    rw = torch.randn(ws, dtype=D)
    s = (grads[0] * rx).sum() + (grads[1] * rw).sum()
    ddx, ddw, ddgy = torch.autograd.grad(s, [x, w, gy])
    case = {
        "name": name,
        "options": {"stride": pair(stride), "padding": padding if isinstance(padding, str) else pair(padding),
                    "dilation": pair(dilation), "groups": groups},
        "x": t2j(x), "w": t2j(w), "y": t2j(y), "gy": t2j(gy), "gx": t2j(grads[0]), "gw": t2j(grads[1]),
        "rx": t2j(rx), "rw": t2j(rw), "ddx": t2j(ddx), "ddw": t2j(ddw), "ddgy": t2j(ddgy),
    }
    if has_bias:
        case["b"] = t2j(b)
        case["gb"] = t2j(grads[2])
    return case


def pool_case(name, fn, x, options):
    x = x.clone().requires_grad_(True)
    y = fn(x)
    gy = torch.randn(y.shape, dtype=D)
    (gx,) = torch.autograd.grad(y, [x], gy)
    return {"name": name, "options": options, "x": t2j(x), "y": t2j(y), "gy": t2j(gy), "gx": t2j(gx)}


def max_cases():
    cases = []
    for name, xs, k, s, p, d, ceil, ties in [
        ("k3 s2 p1", [2, 3, 7, 6], 3, 2, 1, 1, False, False),
        ("k [2, 3] s [1, 2] dilation 2", [1, 2, 8, 9], (2, 3), (1, 2), 0, 2, False, False),
        ("k3 s2 ceilMode", [2, 2, 8, 7], 3, 2, 0, 1, True, False),
        ("k2 default stride, ties", [2, 3, 6, 6], 2, None, 0, 1, False, True),
        ("k3 s1 p1 ties, overlapping windows", [1, 2, 5, 5], 3, 1, 1, 1, False, True),
    ]:
        x = torch.randint(0, 3, xs).to(D) if ties else torch.randn(xs, dtype=D)
        fn = lambda t, k=k, s=s, p=p, d=d, ceil=ceil: F.max_pool2d(t, k, s, p, d, ceil_mode=ceil)
        opts = {"kernelSize": pair(k), "padding": pair(p), "dilation": pair(d), "ceilMode": ceil}
        if s is not None:
            opts["stride"] = pair(s)
        cases.append(pool_case(name, fn, x, opts))
    return cases


def avg_cases():
    cases = []
    for name, xs, k, s, p, ceil, cip, div in [
        ("k3 s2 p1 countIncludePad", [2, 3, 7, 6], 3, 2, 1, False, True, None),
        ("k3 s2 p1 excluding pad", [2, 3, 7, 6], 3, 2, 1, False, False, None),
        ("k [2, 3] s [1, 2]", [1, 2, 5, 7], (2, 3), (1, 2), 0, False, True, None),
        ("k3 s2 p1 ceilMode", [1, 2, 8, 8], 3, 2, 1, True, True, None),
        ("k3 s2 ceilMode excluding pad", [1, 2, 8, 8], 3, 2, 1, True, False, None),
        ("k2 default stride, divisorOverride 3", [2, 2, 6, 5], 2, None, 0, False, True, 3),
    ]:
        x = torch.randn(xs, dtype=D)
        fn = lambda t, k=k, s=s, p=p, ceil=ceil, cip=cip, div=div: F.avg_pool2d(
            t, k, s, p, ceil_mode=ceil, count_include_pad=cip, divisor_override=div)
        opts = {"kernelSize": pair(k), "padding": pair(p), "ceilMode": ceil, "countIncludePad": cip}
        if s is not None:
            opts["stride"] = pair(s)
        if div is not None:
            opts["divisorOverride"] = div
        cases.append(pool_case(name, fn, x, opts))
    return cases


def adaptive_cases():
    cases = []
    for name, xs, out in [
        ("global [1, 1]", [2, 3, 7, 5], (1, 1)),
        ("[3, 2] uneven windows", [2, 2, 7, 5], (3, 2)),
        ("[4, 7] larger than input width", [1, 2, 9, 5], (4, 7)),
    ]:
        x = torch.randn(xs, dtype=D)
        fn = lambda t, out=out: F.adaptive_avg_pool2d(t, out)
        cases.append(pool_case(name, fn, x, {"outputSize": list(out)}))
    return cases


def unbatched_pool_cases():
    x = torch.randn([3, 7, 6], dtype=D)
    return (
        pool_case("unbatched [c, h, w], k3 s2 p1", lambda t: F.max_pool2d(t, 3, 2, 1), x,
                  {"kernelSize": [3, 3], "stride": [2, 2], "padding": [1, 1]}),
        pool_case("unbatched [c, h, w], k3 s2 p1", lambda t: F.avg_pool2d(t, 3, 2, 1), x,
                  {"kernelSize": [3, 3], "stride": [2, 2], "padding": [1, 1]}),
        pool_case("unbatched [c, h, w], [3, 2]", lambda t: F.adaptive_avg_pool2d(t, (3, 2)), x,
                  {"outputSize": [3, 2]}),
    )


conv = [conv_case(*c) for c in CONV_CASES]
max_pool, avg_pool, adaptive = max_cases(), avg_cases(), adaptive_cases()
conv += [conv_case(*c) for c in EXTRA_CONV_CASES]
for cases, extra in zip((max_pool, avg_pool, adaptive), unbatched_pool_cases()):
    cases.append(extra)

write("packages/autograd/test/golden/conv.json", {
    "conv2d": conv,
    "maxPool2d": max_pool,
    "avgPool2d": avg_pool,
    "adaptiveAvgPool2d": adaptive,
})
