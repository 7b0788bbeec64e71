"""PyTorch reference for NetworkParityTest: two small networks built from every nn layer type.

Run from the repository root (torch from Debian's python3-torch, safetensors from PyPI):
    /usr/bin/python3 -m venv --system-site-packages /tmp/st && /tmp/st/bin/pip install safetensors
    /tmp/st/bin/python nn/src/test/python/make_network_fixtures.py

For each network NAME writes nn/src/test/resources/mrisr/nn/NAME.safetensors holding its state_dict
(PyTorch's key names and dtypes, including BatchNorm's int64 num_batches_tracked) and
nn/src/test/resources/mrisr/nn/NAME_io.safetensors holding an input, the outputs in evaluation and
training mode, the running statistics after the training pass, and the gradients of
sum(output · r) in evaluation mode with respect to the input and every parameter.
"""
import os

import torch
import torch.nn as nn
from safetensors.torch import save_file

OUT = os.path.join("nn", "src", "test", "resources", "mrisr", "nn")


class Net3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Conv3d(1, 8, 3, padding=1)
        self.body = nn.Sequential(
            nn.Conv3d(8, 8, 3, padding=1, padding_mode="reflect"),
            nn.BatchNorm3d(8),
            nn.LeakyReLU(0.2),
            nn.Conv3d(8, 8, (1, 3, 3), stride=1, padding=(0, 2, 2), dilation=(1, 2, 2), groups=4, bias=False),
            nn.GroupNorm(2, 8),
            nn.GELU(),
        )
        self.up = nn.ConvTranspose3d(8, 4, 2, stride=2)
        self.tail = nn.Conv3d(4, 1, 3, padding=1, padding_mode="replicate")
        self.skip = nn.Upsample(scale_factor=2, mode="trilinear", align_corners=False)

    def forward(self, x):
        h = self.head(x)
        h = h + self.body(h)
        return self.tail(self.up(h)) + self.skip(x)


class Net2d(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(2, 8, 3, stride=2, padding=1),
            nn.SiLU(),
            nn.BatchNorm2d(8, momentum=0.3),
            nn.ConvTranspose2d(8, 8, 3, stride=2, padding=1, output_padding=1, groups=2),
            nn.Tanh(),
            nn.Conv2d(8, 12, 1),
            nn.PixelShuffle(2),
            nn.Sigmoid(),
        )
        self.norm = nn.LayerNorm(12)
        self.head = nn.Linear(12, 5)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.head(self.norm(self.features(x))))


def export(name, net, x):
    torch.manual_seed(7)
    for p in net.parameters():  # non-trivial affine parameters everywhere
        p.data.add_(0.1 * torch.randn_like(p))
    net.train()
    with torch.no_grad():
        for _ in range(2):  # give the running statistics some history
            net(torch.randn_like(x))
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, os.path.join(OUT, name + ".safetensors"))
    io = {"input": x}
    net.eval()
    xe = x.clone().requires_grad_(True)
    y = net(xe)
    r = torch.randn(y.shape, generator=torch.Generator().manual_seed(3))
    (y * r).sum().backward()
    io["output_eval"] = y.detach()
    io["projection"] = r
    io["grad.input"] = xe.grad
    for k, p in net.named_parameters():
        io["grad." + k] = p.grad
    net.train()
    with torch.no_grad():
        io["output_train"] = net(x)
    for k, v in net.state_dict().items():
        if "running" in k:
            io["after_train." + k] = v.clone()
    save_file({k: v.contiguous() for k, v in io.items()}, os.path.join(OUT, name + "_io.safetensors"))


torch.manual_seed(1)
export("net3d", Net3d(), torch.randn(2, 1, 4, 5, 6))
torch.manual_seed(2)
export("net2d", Net2d(), torch.randn(3, 2, 5, 5))
print("wrote", OUT)
