"""Golden safetensors file written by the reference implementation (huggingface safetensors + torch).

Run from the repository root:
    /usr/bin/python3 -m venv --system-site-packages /tmp/st && /tmp/st/bin/pip install safetensors
    /tmp/st/bin/python nn/src/test/python/make_safetensors_fixtures.py

Writes nn/src/test/resources/mrisr/nn/io/golden.safetensors and golden.json (the float32 value of
every element as torch converts it, for SafeTensorsTest).
"""
import json
import os

import torch
from safetensors.torch import save_file

out = os.path.join("nn", "src", "test", "resources", "mrisr", "nn", "io")
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(1234)
tensors = {
    "conv.weight": torch.randn(2, 1, 3, 3, generator=g),
    "conv.bias": torch.tensor([0.5, -1e-8]),
    "half": (torch.randn(5, generator=g) * 100).half(),
    "brain": torch.tensor([[1.0, -2.5e-3], [3.0e5, 1.1754943508222875e-38]]).bfloat16(),
    "bn.num_batches_tracked": torch.tensor(42, dtype=torch.int64),
    "mask": torch.tensor([True, False, True]),
    "empty": torch.zeros(0, 3),
}
save_file(tensors, os.path.join(out, "golden.safetensors"), metadata={"format": "pt", "note": "µ \"quoted\""})
expected = {k: {"shape": list(v.shape), "values": v.float().flatten().tolist()} for k, v in tensors.items()}
with open(os.path.join(out, "golden.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote", out)
