"""Safetensors fixtures written byte by byte from the spec (PyTorch 1.13 has no safetensors writer).

Spec (github.com/huggingface/safetensors): 8-byte little-endian unsigned header length N, then N
bytes of UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}},
then the data buffer; offsets are relative to the buffer's start, tensors are row-major little-endian.

Writes to packages/nn/test/golden/:
  mlp.safetensors  nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3)), F32, header padded to 8 bytes
  cnn.safetensors  a small CNN (conv1, bn1, fc) with PyTorch's snake_case keys, F64 weights and
                   num_batches_tracked as I64, header deliberately *not* padded so F64 data is unaligned
  safetensors.json inputs and PyTorch's (eval-mode) outputs for both models
"""
import json
import os
import struct

import torch
import torch.nn as nn

from common import ROOT, t2j, write

FORMATS = {torch.float32: ("F32", "f"), torch.float64: ("F64", "d"), torch.int64: ("I64", "q")}


def safetensors_bytes(tensors, metadata=None, align=True):
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = b""
    for name, t in tensors.items():
        dtype, code = FORMATS[t.dtype]
        values = t.detach().contiguous().reshape(-1).tolist()
        chunk = struct.pack("<%d%s" % (len(values), code), *values)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(chunk)]}
        data += chunk
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    if align:
        text += b" " * (-len(text) % 8)
    elif len(text) % 8 == 0:
        text += b" "  # keep the data unaligned on purpose
    return struct.pack("<Q", len(text)) + text + data


def save(name, blob):
    path = os.path.join(ROOT, "packages/nn/test/golden", name)
    with open(path, "wb") as f:
        f.write(blob)
    print(f"wrote packages/nn/test/golden/{name}")


torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
x_mlp = torch.randn(5, 4)
y_mlp = mlp(x_mlp)
save("mlp.safetensors", safetensors_bytes(mlp.state_dict(), {"format": "pt", "model": "mlp"}))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 3 * 3, 5)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        return self.fc(torch.flatten(x, 1))


cnn = CNN().double()
cnn.train()
for _ in range(3):
    cnn(torch.randn(8, 1, 6, 6, dtype=torch.float64) * 2 + 0.5)
cnn.eval()
x_cnn = torch.randn(2, 1, 6, 6, dtype=torch.float64)
y_cnn = cnn(x_cnn)
save("cnn.safetensors", safetensors_bytes(cnn.state_dict(), align=False))

write("packages/nn/test/golden/safetensors.json", {
    "mlp": {"input": t2j(x_mlp), "output": t2j(y_mlp), "keys": list(mlp.state_dict().keys())},
    "cnn": {"input": t2j(x_cnn), "output": t2j(y_cnn), "keys": list(cnn.state_dict().keys())},
})
