"""Runs an ONNX model as a PyTorch module, with its initializers as weights.

Kiln's zoo models are not all torchvision's architectures (AlexNet and
GoogLeNet follow Caffe's, with LRN and grouped convolutions), and onnx2torch is
not packaged for Debian; so this maps each ONNX node onto the torch.nn.functional
call torchvision's layers make. Only the ops Kiln's exporter writes are covered.
The weights are buffers, so torch.jit.freeze folds them into the graph.
"""
import numpy as np
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attrs(node):
    out = {}
    for a in node.attribute:
        if a.type == a.INT:
            out[a.name] = a.i
        elif a.type == a.INTS:
            out[a.name] = list(a.ints)
        elif a.type == a.FLOAT:
            out[a.name] = a.f
        elif a.type == a.STRING:
            out[a.name] = a.s.decode()
    return out


def _pad_args(pads):
    """ONNX pads [top, left, bottom, right] -> (symmetric (h, w), extra F.pad or None)."""
    top, left, bottom, right = pads if pads else (0, 0, 0, 0)
    if top == bottom and left == right:
        return (top, left), None
    return (0, 0), (left, right, top, bottom)


def _conv(x, w, b, a):
    padding, extra = _pad_args(a.get("pads"))
    if extra:
        x = F.pad(x, extra)
    return F.conv2d(x, w, b, a.get("strides", [1, 1]), padding, a.get("dilations", [1, 1]),
                    a.get("group", 1))


def _max_pool(x, a):
    padding, extra = _pad_args(a.get("pads"))
    if extra:
        x = F.pad(x, extra, value=float("-inf"))
    return F.max_pool2d(x, a["kernel_shape"], a.get("strides", a["kernel_shape"]), padding,
                        ceil_mode=bool(a.get("ceil_mode", 0)))


def _avg_pool(x, a):
    padding, extra = _pad_args(a.get("pads"))
    if extra:
        raise NotImplementedError("AveragePool with asymmetric pads")
    return F.avg_pool2d(x, a["kernel_shape"], a.get("strides", a["kernel_shape"]), padding,
                        ceil_mode=bool(a.get("ceil_mode", 0)),
                        count_include_pad=bool(a.get("count_include_pad", 0)))


def _gemm(x, w, b, a):
    if a.get("transA", 0) or a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0:
        raise NotImplementedError("Gemm other than x @ W^T + b")
    return F.linear(x, w if a.get("transB", 0) else w.t(), b)


def _reshape(x, shape):
    dims = [x.shape[i] if d == 0 else int(d) for i, d in enumerate(shape.tolist())]
    return x.reshape(dims)


def _run_node(op, ins, a):
    if op == "Conv":
        return _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
    if op == "Relu":
        return F.relu(ins[0])
    if op == "MaxPool":
        return _max_pool(ins[0], a)
    if op == "AveragePool":
        return _avg_pool(ins[0], a)
    if op == "GlobalAveragePool":
        return ins[0].mean(dim=(2, 3), keepdim=True)
    if op == "BatchNormalization":
        x, scale, bias, mean, var = ins
        return F.batch_norm(x, mean, var, scale, bias, False, 0.0, a.get("epsilon", 1e-5))
    if op == "Add":
        return ins[0] + ins[1]
    if op == "Gemm":
        return _gemm(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
    if op == "Flatten":
        return torch.flatten(ins[0], a.get("axis", 1))
    if op == "Reshape":
        return _reshape(ins[0], ins[1])
    if op == "Concat":
        return torch.cat(ins, dim=a["axis"])
    if op == "LRN":
        return F.local_response_norm(ins[0], a["size"], a.get("alpha", 1e-4), a.get("beta", 0.75),
                                     a.get("bias", 1.0))
    if op == "Softmax":
        return F.softmax(ins[0], dim=a.get("axis", -1))
    if op == "Dropout":
        return ins[0]  # inference
    raise NotImplementedError("ONNX op " + op)


class OnnxModule(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        graph = model.graph
        self._buffer_of = {}
        for i, init in enumerate(graph.initializer):
            name = "w%d" % i
            self.register_buffer(name, torch.from_numpy(numpy_helper.to_array(init).copy()))
            self._buffer_of[init.name] = name
        # Reshape's shape stays a plain array: tracing needs it as Python ints.
        self._constants = {init.name: numpy_helper.to_array(init) for init in graph.initializer
                           if init.data_type == init.INT64}
        known = set(self._buffer_of)
        self.input_names = [i.name for i in graph.input if i.name not in known]
        self.output_names = [o.name for o in graph.output]
        self._nodes = [(n.op_type, list(n.input), list(n.output), _attrs(n)) for n in graph.node]

    def _value(self, env, name):
        if name in env:
            return env[name]
        if name in self._constants:
            return self._constants[name]
        return getattr(self, self._buffer_of[name])

    def forward(self, *inputs):
        env = dict(zip(self.input_names, inputs))
        for op, ins, outs, a in self._nodes:
            args = [self._value(env, n) for n in ins if n]
            env[outs[0]] = _run_node(op, args, a)
        results = tuple(env[n] for n in self.output_names)
        return results[0] if len(results) == 1 else results


def frozen(module, example):
    """torch.jit.trace -> freeze -> optimize_for_inference (conv+bn folding, oneDNN layouts)."""
    with torch.no_grad():
        traced = torch.jit.trace(module.eval(), example)
        return torch.jit.optimize_for_inference(torch.jit.freeze(traced))


def as_numpy(output):
    return (output[0] if isinstance(output, tuple) else output).detach().numpy().astype(np.float32)
