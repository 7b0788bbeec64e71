"""PyTorch reference for the parity tests of the 3-D upsampling layers and the attention blocks.

Run from the repository root with Debian's python3-torch (no other package needed):
    /usr/bin/python3 nn/src/test/python/make_parity_fixtures.py

Every network below is written here in plain PyTorch, following the reference code of its block
(RCAN's CALayer, CBAM, timm's Attention, Swin's WindowAttention and SwinTransformerBlock with the
padding of Swin's detection code, Video Swin's 3-D windows); the Java twins in the tests register
the same parameter names. For each network NAME the script writes, under
nn/src/test/resources/mrisr/nn/parity/:
  NAME.safetensors     its state_dict (PyTorch's key names; Swin's relative_position_index as I64)
  NAME_io.safetensors  for each case P: P.input (and P.context), P.output, P.projection = a fixed
                       random R, and the gradients of sum(output * R) with respect to the inputs
                       (P.grad.input, P.grad.context) and every parameter (P.grad.<name>).
The safetensors files are written by save_safetensors below: an 8-byte little-endian header
length, a JSON header padded with spaces to a multiple of 8 bytes, then the raw little-endian data.
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join("nn", "src", "test", "resources", "mrisr", "nn", "parity")
DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def save_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dtype, layout = DTYPES[t.dtype]
        data = t.numpy().astype(layout).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------------------------------- 3-D upsampler

def pixel_shuffle3d(x, r):
    """[N, C·r³, D, H, W] → [N, C, D·r, H·r, W·r], channel c·r³ + i·r² + j·r + k → offset (i, j, k)."""
    n, c, d, h, w = x.shape
    c //= r ** 3
    return x.view(n, c, r, r, r, d, h, w).permute(0, 1, 5, 2, 6, 3, 7, 4).reshape(n, c, d * r, h * r, w * r)


class Upsampler3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Conv3d(1, 8, 3, padding=1)
        self.norm = nn.GroupNorm(4, 8)
        self.act = nn.GELU()
        self.expand = nn.Conv3d(8, 16, 3, padding=1)
        self.up = nn.ConvTranspose3d(2, 2, 3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        return self.up(pixel_shuffle3d(self.expand(self.act(self.norm(self.head(x)))), 2))


# ---------------------------------------------------------------------------------------- channel / spatial gates

class CALayer(nn.Module):
    """RCAN's channel attention."""

    def __init__(self, channel, reduction):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.conv_du = nn.Sequential(
            nn.Conv2d(channel, channel // reduction, 1, padding=0, bias=True),
            nn.ReLU(inplace=True),
            nn.Conv2d(channel // reduction, channel, 1, padding=0, bias=True),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return x * self.conv_du(self.avg_pool(x))


class ChannelGate(nn.Module):
    """CBAM's channel gate: the shared MLP on average- and max-pooled channels."""

    def __init__(self, channel, reduction):
        super().__init__()
        self.conv_du = nn.Sequential(nn.Conv2d(channel, channel // reduction, 1), nn.ReLU(),
                                     nn.Conv2d(channel // reduction, channel, 1))

    def forward(self, x):
        avg = F.adaptive_avg_pool2d(x, 1)
        mx = F.adaptive_max_pool2d(x, 1)
        return x * torch.sigmoid(self.conv_du(avg) + self.conv_du(mx))


class SpatialGate(nn.Module):
    """CBAM's spatial gate on [mean; max] over channels."""

    def __init__(self, kernel_size):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        pooled = torch.cat((torch.mean(x, 1, keepdim=True), torch.max(x, 1, keepdim=True)[0]), dim=1)
        return x * torch.sigmoid(self.conv(pooled))


class CBAM(nn.Module):
    def __init__(self, channel, reduction, kernel_size):
        super().__init__()
        self.channel = ChannelGate(channel, reduction)
        self.spatial = SpatialGate(kernel_size)

    def forward(self, x):
        return self.spatial(self.channel(x))


class Attention(nn.Module):
    """timm's multi-head self-attention."""

    def __init__(self, dim, num_heads, qkv_bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(B, N, C))


class Gates(nn.Module):
    def __init__(self):
        super().__init__()
        self.ca = CALayer(8, 4)
        self.cbam = CBAM(8, 2, 3)
        self.msa = Attention(8, 2)

    def forward(self, x):
        y = self.cbam(self.ca(x))
        t = self.msa(y.flatten(2).transpose(1, 2))
        return t.transpose(1, 2).reshape(y.shape)


# ---------------------------------------------------------------------------------------- Swin (2-D)

class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_features, in_features)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def window_partition(x, window_size):
    B, H, W, C = x.shape
    x = x.view(B, H // window_size, window_size, W // window_size, window_size, C)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, window_size, window_size, C)


def window_reverse(windows, window_size, H, W):
    B = int(windows.shape[0] / (H * W / window_size / window_size))
    x = windows.view(B, H // window_size, W // window_size, window_size, window_size, -1)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(B, H, W, -1)


class WindowAttention(nn.Module):
    """Swin's window attention with relative position bias (2-D)."""

    def __init__(self, dim, window_size, num_heads, qkv_bias=True):
        super().__init__()
        self.window_size = window_size
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.relative_position_bias_table = nn.Parameter(
            torch.zeros((2 * window_size[0] - 1) * (2 * window_size[1] - 1), num_heads))
        coords = torch.stack(torch.meshgrid([torch.arange(window_size[0]), torch.arange(window_size[1])], indexing="ij"))
        coords_flatten = torch.flatten(coords, 1)
        relative_coords = (coords_flatten[:, :, None] - coords_flatten[:, None, :]).permute(1, 2, 0).contiguous()
        relative_coords[:, :, 0] += window_size[0] - 1
        relative_coords[:, :, 1] += window_size[1] - 1
        relative_coords[:, :, 0] *= 2 * window_size[1] - 1
        self.register_buffer("relative_position_index", relative_coords.sum(-1))
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        nn.init.trunc_normal_(self.relative_position_bias_table, std=.02)

    def forward(self, x, mask=None):
        B_, N, C = x.shape
        qkv = self.qkv(x).reshape(B_, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(N, N, -1)
        attn = attn + bias.permute(2, 0, 1).contiguous().unsqueeze(0)
        if mask is not None:
            nW = mask.shape[0]
            attn = attn.view(B_ // nW, nW, self.num_heads, N, N) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.num_heads, N, N)
        attn = attn.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(B_, N, C))


class SwinBlock2d(nn.Module):
    """Swin's block on [B, C, H, W], padding H and W up to multiples of the window as Swin's detection code."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio):
        super().__init__()
        self.window_size, self.shift_size = window_size, shift_size
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, (window_size, window_size), num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def calculate_mask(self, Hp, Wp):
        ws, s = self.window_size, self.shift_size
        img_mask = torch.zeros((1, Hp, Wp, 1))
        cnt = 0
        for h in (slice(0, -ws), slice(-ws, -s), slice(-s, None)):
            for w in (slice(0, -ws), slice(-ws, -s), slice(-s, None)):
                img_mask[:, h, w, :] = cnt
                cnt += 1
        mask_windows = window_partition(img_mask, ws).view(-1, ws * ws)
        attn_mask = mask_windows.unsqueeze(1) - mask_windows.unsqueeze(2)
        return attn_mask.masked_fill(attn_mask != 0, float(-100.0)).masked_fill(attn_mask == 0, float(0.0))

    def forward(self, x):
        ws, s = self.window_size, self.shift_size
        x = x.permute(0, 2, 3, 1)
        B, H, W, C = x.shape
        shortcut = x
        x = self.norm1(x)
        pad_r, pad_b = (ws - W % ws) % ws, (ws - H % ws) % ws
        x = F.pad(x, (0, 0, 0, pad_r, 0, pad_b))
        _, Hp, Wp, _ = x.shape
        if s > 0:
            shifted_x = torch.roll(x, shifts=(-s, -s), dims=(1, 2))
            attn_mask = self.calculate_mask(Hp, Wp)
        else:
            shifted_x, attn_mask = x, None
        attn_windows = self.attn(window_partition(shifted_x, ws).view(-1, ws * ws, C), mask=attn_mask)
        shifted_x = window_reverse(attn_windows.view(-1, ws, ws, C), ws, Hp, Wp)
        x = torch.roll(shifted_x, shifts=(s, s), dims=(1, 2)) if s > 0 else shifted_x
        x = shortcut + x[:, :H, :W, :].contiguous()
        x = x + self.mlp(self.norm2(x))
        return x.permute(0, 3, 1, 2)


# ---------------------------------------------------------------------------------------- Video Swin (3-D)

def window_partition3d(x, window_size):
    B, D, H, W, C = x.shape
    x = x.view(B, D // window_size[0], window_size[0], H // window_size[1], window_size[1], W // window_size[2],
               window_size[2], C)
    return x.permute(0, 1, 3, 5, 2, 4, 6, 7).contiguous().view(-1, window_size[0] * window_size[1] * window_size[2], C)


def window_reverse3d(windows, window_size, B, D, H, W):
    x = windows.view(B, D // window_size[0], H // window_size[1], W // window_size[2], window_size[0], window_size[1],
                     window_size[2], -1)
    return x.permute(0, 1, 4, 2, 5, 3, 6, 7).contiguous().view(B, D, H, W, -1)


class WindowAttention3D(nn.Module):
    """Video Swin's window attention with relative position bias (3-D)."""

    def __init__(self, dim, window_size, num_heads, qkv_bias=True):
        super().__init__()
        self.window_size = window_size
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.zeros(
            (2 * window_size[0] - 1) * (2 * window_size[1] - 1) * (2 * window_size[2] - 1), num_heads))
        coords = torch.stack(torch.meshgrid(
            [torch.arange(window_size[0]), torch.arange(window_size[1]), torch.arange(window_size[2])], indexing="ij"))
        coords_flatten = torch.flatten(coords, 1)
        relative_coords = (coords_flatten[:, :, None] - coords_flatten[:, None, :]).permute(1, 2, 0).contiguous()
        relative_coords[:, :, 0] += window_size[0] - 1
        relative_coords[:, :, 1] += window_size[1] - 1
        relative_coords[:, :, 2] += window_size[2] - 1
        relative_coords[:, :, 0] *= (2 * window_size[1] - 1) * (2 * window_size[2] - 1)
        relative_coords[:, :, 1] *= (2 * window_size[2] - 1)
        self.register_buffer("relative_position_index", relative_coords.sum(-1))
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        nn.init.trunc_normal_(self.relative_position_bias_table, std=.02)

    def forward(self, x, mask=None):
        B_, N, C = x.shape
        qkv = self.qkv(x).reshape(B_, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index[:N, :N].reshape(-1)].reshape(N, N, -1)
        attn = attn + bias.permute(2, 0, 1).contiguous().unsqueeze(0)
        if mask is not None:
            nW = mask.shape[0]
            attn = attn.view(B_ // nW, nW, self.num_heads, N, N) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.num_heads, N, N)
        attn = attn.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(B_, N, C))


def compute_mask3d(D, H, W, window_size, shift_size):
    img_mask = torch.zeros((1, D, H, W, 1))
    cnt = 0
    for d in slice(-window_size[0]), slice(-window_size[0], -shift_size[0]), slice(-shift_size[0], None):
        for h in slice(-window_size[1]), slice(-window_size[1], -shift_size[1]), slice(-shift_size[1], None):
            for w in slice(-window_size[2]), slice(-window_size[2], -shift_size[2]), slice(-shift_size[2], None):
                img_mask[:, d, h, w, :] = cnt
                cnt += 1
    mask_windows = window_partition3d(img_mask, window_size).squeeze(-1)
    attn_mask = mask_windows.unsqueeze(1) - mask_windows.unsqueeze(2)
    return attn_mask.masked_fill(attn_mask != 0, float(-100.0)).masked_fill(attn_mask == 0, float(0.0))


class SwinBlock3d(nn.Module):
    """Video Swin's block on [B, C, D, H, W] (window and shift fixed: every test size exceeds the window)."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio):
        super().__init__()
        self.window_size, self.shift_size = window_size, shift_size
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention3D(dim, window_size, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        ws, ss = self.window_size, self.shift_size
        x = x.permute(0, 2, 3, 4, 1)
        B, D, H, W, C = x.shape
        shortcut = x
        x = self.norm1(x)
        pad_d1, pad_b, pad_r = (ws[0] - D % ws[0]) % ws[0], (ws[1] - H % ws[1]) % ws[1], (ws[2] - W % ws[2]) % ws[2]
        x = F.pad(x, (0, 0, 0, pad_r, 0, pad_b, 0, pad_d1))
        _, Dp, Hp, Wp, _ = x.shape
        shifted_x = torch.roll(x, shifts=(-ss[0], -ss[1], -ss[2]), dims=(1, 2, 3))
        attn_windows = self.attn(window_partition3d(shifted_x, ws), mask=compute_mask3d(Dp, Hp, Wp, ws, ss))
        shifted_x = window_reverse3d(attn_windows.view(-1, *(ws + (C,))), ws, B, Dp, Hp, Wp)
        x = torch.roll(shifted_x, shifts=ss, dims=(1, 2, 3))
        x = shortcut + x[:, :D, :H, :W, :].contiguous()
        x = x + self.mlp(self.norm2(x))
        return x.permute(0, 4, 1, 2, 3)


# ---------------------------------------------------------------------------------------- cross-attention

class CrossAttention(nn.Module):
    def __init__(self, dim, context_dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(context_dim, dim)
        self.v = nn.Linear(context_dim, dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, context):
        B, L, C = x.shape
        S = context.shape[1]
        h = self.num_heads
        q = self.q(x).reshape(B, L, h, C // h).transpose(1, 2)
        k = self.k(context).reshape(B, S, h, C // h).transpose(1, 2)
        v = self.v(context).reshape(B, S, h, C // h).transpose(1, 2)
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(B, L, C))


class CrossAttentionBlock(nn.Module):
    def __init__(self, dim, context_dim, num_heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.norm_context = nn.LayerNorm(context_dim)
        self.attn = CrossAttention(dim, context_dim, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x, context):
        x = x + self.attn(self.norm1(x), self.norm_context(context))
        return x + self.mlp(self.norm2(x))


# ---------------------------------------------------------------------------------------- export

def perturb(net):
    """Non-trivial values everywhere: norms away from (1, 0), position biases that matter."""
    for name, p in net.named_parameters():
        with torch.no_grad():
            if name.endswith("relative_position_bias_table"):
                p.copy_(0.5 * torch.randn_like(p))
            else:
                p.add_(0.1 * torch.randn_like(p))


def case(io, prefix, net, inputs, seed):
    """Runs net on inputs (name → tensor), records outputs and the gradients of sum(output · R)."""
    net.zero_grad()
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    y = net(*leaves.values())
    r = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed))
    (y * r).sum().backward()
    for k, v in inputs.items():
        io[prefix + "." + k] = v
        io[prefix + ".grad." + k] = leaves[k].grad
    io[prefix + ".output"] = y.detach()
    io[prefix + ".projection"] = r
    for k, p in net.named_parameters():
        io[prefix + ".grad." + k] = p.grad.clone()


def export(name, net, cases):
    perturb(net)
    save_safetensors(os.path.join(OUT, name + ".safetensors"), net.state_dict())
    io = {}
    for i, (prefix, inputs) in enumerate(cases):
        case(io, prefix, net, inputs, 100 + i)
    save_safetensors(os.path.join(OUT, name + "_io.safetensors"), io)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(1)
    export("upsampler3d", Upsampler3d(), [("a", {"input": torch.randn(2, 1, 2, 3, 3)})])
    torch.manual_seed(2)
    export("gates", Gates(), [("a", {"input": torch.randn(2, 8, 5, 6)})])
    torch.manual_seed(3)
    swin2d = nn.Sequential(SwinBlock2d(8, 2, 4, 0, 2.0), SwinBlock2d(8, 2, 4, 2, 2.0))
    export("swin2d", swin2d, [("a", {"input": torch.randn(2, 8, 8, 8)}), ("b", {"input": torch.randn(1, 8, 6, 7)})])
    torch.manual_seed(4)
    swin3d = SwinBlock3d(8, 2, (2, 3, 4), (1, 1, 2), 2.0)
    export("swin3d", swin3d, [("a", {"input": torch.randn(1, 8, 4, 6, 8)}), ("b", {"input": torch.randn(1, 8, 3, 5, 7)})])
    torch.manual_seed(5)
    export("cross", CrossAttentionBlock(8, 6, 2, 2.0),
           [("a", {"input": torch.randn(2, 7, 8), "context": torch.randn(2, 5, 6)})])
    print("wrote", OUT)


if __name__ == "__main__":
    main()
