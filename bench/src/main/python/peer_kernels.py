#!/usr/bin/env python3
"""Peer timings for `mrisr bench kernels`: the suite's shapes timed in NumPy or PyTorch on the CPU.

SGEMM and the 3-D FFT are timed in NumPy (`numpy.matmul` on float32, which calls OpenBLAS;
`numpy.fft.fftn` on complex64, pocketfft, single-threaded), the peers the issue's acceptance
names; the other kinds in PyTorch. Each result row says which library timed it.

`mrisr bench kernels` runs this script with /usr/bin/python3 as a subprocess after its own rows
(the source on stdin, `python3 - ARGS`); it can also be run by hand:

    python3 bench/src/main/python/peer_kernels.py --threads 2 \\
        --cases '[{"id": "sgemm-1024", "kind": "sgemm", "n": 1024}]'

Each case is {"id", "kind", shape fields...}; the kinds and fields match the Java side's
KernelSpec.peerCase(): sgemm(n); conv(dims, batch, in_channels, out_channels, size, backward);
attention(batch, heads, length, head_dim, backward); trilinear(size); fft3d(size);
srnet(size, channels, blocks, lr). All arrays are float32 (complex64 for the FFT).

The timing policy mirrors the Java harness (mrisr.bench.Harness): one cold run; a cold run over
--once-over-s is the only run; then warm-up runs until they add up to --warmup-s (the cold run not
counted) and --min-warmup-runs runs were made (cold run counted), or until one warm-up run alone
takes --warmup-s; then --repeat timed runs, or when that is 0, as many as fit in --budget-s by the
last warm-up run (--min-repeats to --max-repeats); median.

Output, one JSON object on stdout:
    {"peer": "torch 1.13.1, numpy 1.24.2", "numpy": "1.24.2", "threads": 2,
     "results": [{"id": ..., "peer": "numpy 1.24.2", "median_ms": ..., "first_ms": ..., "runs": ...}, ...],
     "skipped": [{"id": ..., "reason": ...}]}
or {"unavailable": "..."} (exit status 3) when torch or numpy cannot be imported.
"""

import argparse
import json
import math
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description="Time mrisr's kernel-suite shapes in NumPy and PyTorch.")
    p.add_argument("--threads", type=int, required=True,
                   help="torch.set_num_threads value (the caller sizes OpenBLAS's pool with the environment)")
    p.add_argument("--cases", required=True, help="JSON list of cases")
    p.add_argument("--warmup-s", type=float, default=2.0)
    p.add_argument("--min-warmup-runs", type=int, default=3)
    p.add_argument("--budget-s", type=float, default=6.0)
    p.add_argument("--min-repeats", type=int, default=5)
    p.add_argument("--max-repeats", type=int, default=10)
    p.add_argument("--repeat", type=int, default=0, help="fixed timed runs; 0 = adaptive")
    p.add_argument("--once-over-s", type=float, default=30.0)
    return p.parse_args(argv)


def measure(body, args):
    """Times body() by the policy in the module docstring; returns median/first in ms and runs."""

    def run_ms():
        t0 = time.perf_counter()
        body()
        return (time.perf_counter() - t0) * 1e3

    first = run_ms()
    if first > args.once_over_s * 1e3:
        return {"median_ms": first, "first_ms": first, "runs": 1}
    budget_ms, elapsed, last, warmups = args.warmup_s * 1e3, 0.0, first, 1
    while elapsed < budget_ms or warmups < args.min_warmup_runs:
        last = run_ms()
        elapsed += last
        warmups += 1
        if last >= budget_ms:
            break
    if args.repeat > 0:
        n = args.repeat
    else:
        n = int(max(args.min_repeats, min(args.max_repeats, math.floor(args.budget_s * 1e3 / max(last, 1e-6)))))
    times = sorted(run_ms() for _ in range(n))
    mid = n // 2
    median = times[mid] if n % 2 == 1 else 0.5 * (times[mid - 1] + times[mid])
    return {"median_ms": median, "first_ms": first, "runs": n}


def build_sgemm(numpy, c):
    n = c["n"]
    rng = numpy.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=numpy.float32)
    b = rng.standard_normal((n, n), dtype=numpy.float32)

    def body():
        return numpy.matmul(a, b)
    return body


def build_conv(torch, F, c):
    dims, size = c["dims"], c["size"]
    x = torch.randn(c["batch"], c["in_channels"], *([size] * dims))
    w = torch.randn(c["out_channels"], c["in_channels"], *([3] * dims)) / math.sqrt(c["in_channels"] * 3 ** dims)
    conv = F.conv3d if dims == 3 else F.conv2d
    if not c["backward"]:
        def forward():
            with torch.no_grad():
                return conv(x, w, None, 1, 1)
        return forward
    gy = torch.randn(c["batch"], c["out_channels"], *([size] * dims))
    x.requires_grad_(True)
    w.requires_grad_(True)

    def forward_backward():
        x.grad = None
        w.grad = None
        conv(x, w, None, 1, 1).backward(gy)
        return w.grad
    return forward_backward


def attention(torch, q, k, v):
    # torch 1.13 has no F.scaled_dot_product_attention: its math path, written out.
    scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    return torch.matmul(torch.softmax(scores, dim=-1), v)


def build_attention(torch, F, c):
    shape = (c["batch"], c["heads"], c["length"], c["head_dim"])
    q, k, v = torch.randn(*shape), torch.randn(*shape), torch.randn(*shape)
    sdpa = getattr(F, "scaled_dot_product_attention", None)
    attend = sdpa if sdpa is not None else (lambda q_, k_, v_: attention(torch, q_, k_, v_))
    if not c["backward"]:
        def forward():
            with torch.no_grad():
                return attend(q, k, v)
        return forward
    gy = torch.randn(*shape)
    for t in (q, k, v):
        t.requires_grad_(True)

    def forward_backward():
        for t in (q, k, v):
            t.grad = None
        attend(q, k, v).backward(gy)
        return q.grad
    return forward_backward


def build_trilinear(torch, F, c):
    s = c["size"]
    x = torch.randn(1, 1, s, s, s)

    def body():
        with torch.no_grad():
            return F.interpolate(x, scale_factor=2, mode="trilinear", align_corners=False)
    return body


def build_fft3d(numpy, c):
    s = c["size"]
    rng = numpy.random.default_rng(0)
    x = (rng.standard_normal((s, s, s), dtype=numpy.float32)
         + 1j * rng.standard_normal((s, s, s), dtype=numpy.float32)).astype(numpy.complex64)

    def body():
        return numpy.fft.fftn(x)
    return body


def build_srnet(torch, F, c):
    size, channels, blocks, lr = c["size"], c["channels"], c["blocks"], c["lr"]
    shapes = [(channels, 1)] + [(channels, channels)] * blocks + [(1, channels)]
    weights = [(torch.randn(o, i, 3, 3, 3) * math.sqrt(2.0 / (i * 27))).requires_grad_(True) for o, i in shapes]
    biases = [torch.zeros(o, requires_grad=True) for o, _ in shapes]
    params = weights + biases
    x, target = torch.randn(1, 1, size, size, size), torch.randn(1, 1, size, size, size)

    def step():
        h = F.conv3d(x, weights[0], biases[0], 1, 1)
        for w, b in zip(weights[1:-1], biases[1:-1]):
            h = h + torch.relu(F.conv3d(h, w, b, 1, 1))
        diff = F.conv3d(h, weights[-1], biases[-1], 1, 1) - target
        loss = (diff * diff).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad * lr)
        return loss.item()
    return step


# kind -> (library, builder): NumPy builders take (numpy, case), PyTorch ones (torch, F, case).
BUILDERS = {
    "sgemm": ("numpy", build_sgemm),
    "conv": ("torch", build_conv),
    "attention": ("torch", build_attention),
    "trilinear": ("torch", build_trilinear),
    "fft3d": ("numpy", build_fft3d),
    "srnet": ("torch", build_srnet),
}


def main(argv):
    args = parse_args(argv)
    try:
        import numpy
        import torch
        import torch.nn.functional as F
    except Exception as e:  # ImportError, or a broken install failing inside the import
        print(json.dumps({"unavailable": "cannot import torch and numpy (%s: %s)" % (type(e).__name__, e)}))
        return 3
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results, skipped = [], []
    names = {"torch": "torch " + torch.__version__, "numpy": "numpy " + numpy.__version__}
    for case in json.loads(args.cases):
        library, builder = BUILDERS.get(case.get("kind"), (None, None))
        if builder is None:
            skipped.append({"id": case.get("id"), "reason": "unknown kind %r" % case.get("kind")})
            continue
        try:
            body = builder(numpy, case) if library == "numpy" else builder(torch, F, case)
            results.append(dict(id=case["id"], peer=names[library], **measure(body, args)))
        except Exception as e:  # one failing case must not lose the others' timings
            skipped.append({"id": case.get("id"), "reason": "%s: %s" % (type(e).__name__, e)})
        body = None
    print(json.dumps({"peer": names["torch"] + ", " + names["numpy"], "numpy": numpy.__version__,
                      "threads": torch.get_num_threads(), "results": results, "skipped": skipped}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
