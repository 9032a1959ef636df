#!/usr/bin/python3
"""Exports torchvision classifiers with seeded random weights to ONNX.

For each model writes OUT_DIR/<model>/model.onnx (opset 13, batch 1,
input `data` [1,3,224,224], output `logits`) and a sample pair input.npy /
output.npy computed by PyTorch in eval mode, for tests/onnx to compare
Kiln's import against. Needs Debian's python3-torch, python3-torchvision
and python3-onnx; run it with /usr/bin/python3 (the `python3` on PATH may
lack them).

usage: /usr/bin/python3 bench/onnx/export_torchvision.py OUT_DIR MODEL...
"""
import os
import sys

import numpy as np
import torch
import torchvision

# mobilenet_v2's ReLU6 layers export as Clip with constant bounds.
MODELS = ("alexnet", "vgg16", "googlenet", "resnet18", "resnet50", "squeezenet1_0",
          "squeezenet1_1", "mobilenet_v2")


def build(name):
    if name == "googlenet":
        # No pretrained weights: torchvision would otherwise warn and, with
        # aux_logits, build heads that eval mode ignores anyway.
        return torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True)
    return getattr(torchvision.models, name)(weights=None)


def randomize_batch_norm(model, gen):
    # Fresh BatchNorm layers hold mean 0 / variance 1, which would leave the
    # normalisation untested; give them trained-looking statistics instead.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.rand(c, generator=gen) * 0.2 - 0.1)
            m.running_var.copy_(torch.rand(c, generator=gen) * 1.5 + 0.5)
            m.weight.data.copy_(torch.rand(c, generator=gen) * 0.5 + 0.5)
            m.bias.data.copy_(torch.randn(c, generator=gen) * 0.1)


def export(name, out_dir):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    model = build(name).eval()
    randomize_batch_norm(model, gen)
    x = torch.randn(1, 3, 224, 224, generator=gen)
    with torch.no_grad():
        y = model(x)
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    torch.onnx.export(model, x, os.path.join(d, "model.onnx"), opset_version=13,
                      input_names=["data"], output_names=["logits"])
    np.save(os.path.join(d, "input.npy"), x.numpy().astype(np.float32))
    # Written last: its presence marks a complete cache entry.
    np.save(os.path.join(d, "output.npy"), y.numpy().astype(np.float32))
    print("wrote", d)


def main():
    if len(sys.argv) < 3 or any(m not in MODELS for m in sys.argv[2:]):
        sys.exit(__doc__ + "\nmodels: " + ", ".join(MODELS))
    torch.set_num_threads(2)
    for name in sys.argv[2:]:
        export(name, sys.argv[1])


if __name__ == "__main__":
    main()
