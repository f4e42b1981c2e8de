"""The convolutions of an ONNX model, in the form the Keras-file readers give them.

An ONNX ``Conv`` node takes its kernel as ``(out, in, kh, kw)``; Keras's is ``(kh, kw,
in, out)``, so kernels are transposed here and everything downstream (matching by
VGG16's layer names, by order and shape, the errors) is shared with the HDF5 readers.
A tf2onnx export of a Keras model keeps the layer names in its nodes' scopes
(``functional_1/block1_conv1_1/BiasAdd``: the layer ``block1_conv1``, suffixed by
TensorFlow's name scope); other exports (PyTorch's, for instance) keep none, and their
kernels are taken in the graph's order.

Needs the ``onnx`` package (``pip install skactrec[onnx]``), imported only here.
"""

import re

import numpy as np

_SCOPE_SUFFIX = re.compile(r"^(?P<layer>.+?)_\d+$")
_VGG_LIKE = re.compile(r"^block\d_conv\d$")


def is_onnx_file(path):
    """Whether ``path`` is to be read as ONNX (by its ``.onnx`` suffix)."""
    return str(path).lower().endswith(".onnx")


def _load(path):
    try:
        import onnx
    except ImportError as exc:
        raise ImportError(
            f"Reading {str(path)!r} needs the onnx package: pip install skactrec[onnx] "
            f"(or pip install onnx)."
        ) from exc
    try:
        return onnx.load(str(path))
    except Exception as exc:  # onnx raises DecodeError and others on a bad file
        raise ValueError(f"{str(path)!r} is not a readable ONNX model ({exc}).") from exc


def _constants(graph):
    """Every constant tensor of the graph by name: initializers and ``Constant`` nodes."""
    constants = {t.name: t for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            for attribute in node.attribute:
                if attribute.name == "value":
                    constants[node.output[0]] = attribute.t
    return constants


def _layer_name(node):
    """The Keras layer a tf2onnx node comes from (``block1_conv1``), or None."""
    for part in node.name.split("/"):
        if _VGG_LIKE.match(part):
            return part
        match = _SCOPE_SUFFIX.match(part)
        if match and _VGG_LIKE.match(match["layer"]):
            return match["layer"]
    return None


def _scope_names(graph):
    """Every scope of every node's name, with and without TensorFlow's ``_1`` suffix: what
    tells another architecture's layers apart."""
    names = set()
    for node in graph.node:
        for part in node.name.split("/")[:-1]:
            names.add(part)
            match = _SCOPE_SUFFIX.match(part)
            if match:
                names.add(match["layer"])
    return names


def onnx_convolutions(path):
    """``(convolutions, layer names)`` of an ONNX model, as ``(where, name, kernel, bias)``
    tuples with the kernel in Keras's layout, in the graph's order."""
    from onnx.numpy_helper import to_array

    graph = _load(path).graph
    constants = _constants(graph)
    convolutions = []
    for node in graph.node:
        if node.op_type != "Conv" or len(node.input) < 3:
            continue
        kernel, bias = constants.get(node.input[1]), constants.get(node.input[2])
        if kernel is None or bias is None or len(kernel.dims) != 4 or len(bias.dims) != 1:
            continue  # a kernel computed in the graph, or a convolution without bias
        kernel = np.transpose(to_array(kernel), (2, 3, 1, 0))
        convolutions.append((node.name or node.output[0], _layer_name(node), kernel,
                             to_array(bias)))
    return convolutions, _scope_names(graph)
