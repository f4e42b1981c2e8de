"""VGG16's 13 convolutions read from any Keras file that holds them, without Keras.

Formats: Keras's legacy HDF5 (``.h5``: weights or a whole model, with or without the
top), Keras 3 weights (``.weights.h5``), Keras 3 model archives (``.keras``), nested
models included, and ONNX models (``.onnx``, through :mod:`._onnx_weights`). Only the
convolutions' arrays are read: a top's dense kernels (400 MB in ImageNet's file) stay on
disk. Layers are matched by Keras's VGG16 names
(``block1_conv1`` ... ``block5_conv3``) and checked by shape; a file that is not VGG16
is an error that names the file and what it holds.
"""

import hashlib
import re
import zipfile
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np

from ._onnx_weights import is_onnx_file, onnx_convolutions

# VGG16's convolutional base: block -> (channels, number of 3x3 convolutions).
VGG16_BLOCKS = {1: (64, 2), 2: (128, 2), 3: (256, 3), 4: (512, 3), 5: (512, 3)}


def _vgg16_kernel_shapes():
    shapes, in_channels = {}, 3
    for block, (channels, n_convs) in VGG16_BLOCKS.items():
        for i in range(1, n_convs + 1):
            shapes[f"block{block}_conv{i}"] = (3, 3, in_channels, channels)
            in_channels = channels
    return shapes


# Keras's name of each VGG16 convolution -> its kernel's shape, in the network's order.
VGG16_KERNEL_SHAPES = _vgg16_kernel_shapes()

# Layer names that give away another Keras application, checked in this order.
_OTHER_ARCHITECTURES = (
    (re.compile(r"block\d_conv[4-9]$"), "VGG19"),
    (re.compile(r"pool\d_conv$"), "DenseNet"),
    (re.compile(r"conv\d_block\d+_\d_conv$"), "ResNet"),
    (re.compile(r"mixed\d+$"), "InceptionV3"),
    (re.compile(r"block35_\d+"), "InceptionResNetV2"),
    (re.compile(r"block\d+_sepconv\d$"), "Xception"),
    (re.compile(r"conv_pw_\d+$"), "MobileNet"),
    (re.compile(r"block_\d+_project$"), "MobileNetV2"),
    (re.compile(r"expanded_conv(_\d+)?_project$"), "MobileNetV3"),
    (re.compile(r"block\d[a-z]_dwconv"), "EfficientNet"),
)


class _Convolution(NamedTuple):
    """A kernel (4-D) and its bias in a file, not read yet."""

    where: str  # its place in the file, for messages
    name: object  # the Keras layer name the file gives it, or None
    kernel: object  # h5py.Dataset, or a NumPy array (ONNX) in Keras's layout
    bias: object  # h5py.Dataset or a NumPy array

    def arrays(self):
        return _read_float32(self.kernel), _read_float32(self.bias)


def _read_float32(dataset):
    # How Keras 3 marks bfloat16 variables (ONNX's arrays come as NumPy arrays, float32).
    if getattr(dataset, "attrs", {}).get("dtype") == "bfloat16":
        import ml_dtypes

        return np.asarray(dataset[()], dtype=ml_dtypes.bfloat16).astype(np.float32)
    return np.asarray(dataset[()], dtype=np.float32)


class _Contents(NamedTuple):
    convolutions: list  # of _Convolution, in the file's order
    layer_names: set  # every layer name the file gives


@contextmanager
def _open_hdf5(path):
    """The HDF5 tree of a weights file, or of the weights inside a ``.keras`` archive."""
    import h5py

    if h5py.is_hdf5(path):
        with h5py.File(path, "r") as h5:
            yield h5
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            if "model.weights.h5" not in archive.namelist():
                raise ValueError(
                    f"{str(path)!r} is a zip archive but not a Keras model file (.keras): "
                    f"it holds no model.weights.h5."
                )
            with archive.open("model.weights.h5") as member, h5py.File(member, "r") as h5:
                yield h5
    else:
        raise ValueError(
            f"{str(path)!r} is neither an HDF5 weights file (.h5, .weights.h5), a Keras "
            f"model file (.keras) nor an ONNX model (.onnx)."
        )


def _string_list(group, name):
    """A list attribute, which Keras's legacy format splits into name0, name1... when long."""
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, chunk = [], 0
        while f"{name}{chunk}" in group.attrs:
            values += list(group.attrs[f"{name}{chunk}"])
            chunk += 1
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def _legacy_root(h5):
    """The group holding ``layer_names`` in Keras's legacy format, or None (Keras 3)."""
    for group in (h5, h5.get("model_weights")):
        if group is not None and _string_list(group, "layer_names"):
            return group
    return None


def _legacy_contents(root):
    """Every (kernel, bias) pair of a legacy file, in the saved model's layer order.

    A layer's weights are named ``block1_conv1/kernel:0`` (a nested model lists its
    layers' weights so), or ``block1_conv1_W_1:0`` in Keras 2's ImageNet files.
    """
    convolutions, names = [], set()
    for layer in _string_list(root, "layer_names"):
        names.add(layer)
        group = root[layer]
        weight_names = _string_list(group, "weight_names")
        for weight_name, following in zip(weight_names, weight_names[1:], strict=False):
            kernel, bias = group[weight_name], group[following]
            if _is_convolution(kernel, bias):
                parts = weight_name.split("/")
                name = parts[-2] if len(parts) > 1 else layer
                names.add(name)
                convolutions.append(_Convolution(f"{group.name}/{weight_name}", name, kernel, bias))
    return _Contents(convolutions, names)


def _is_convolution(kernel, bias):
    return (
        getattr(kernel, "ndim", 0) == 4
        and getattr(bias, "ndim", 0) == 1
        and kernel.shape[-1] == bias.shape[0]
    )


def _natural_key(text):
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", text)]


def _keras3_contents(h5):
    """Every (kernel, bias) pair of a Keras 3 file, in the order Keras saved the layers.

    Keras 3 stores a layer's variables as ``.../<layer>/vars/0, 1``, naming ``<layer>``
    after its class (``conv2d``, ``conv2d_1``, ... in the model's order: hence the
    natural sort) and, since Keras 3.6 or so, the layer's own name in the ``name``
    attribute of ``vars``. The optimizer's variables are skipped.
    """
    groups = []
    h5.visititems(lambda path, item: groups.append((path, item))
                  if path.endswith("vars") and not path.startswith("optimizer") else None)
    convolutions, names = [], set()
    for path, group in sorted(groups, key=lambda entry: _natural_key(entry[0])):
        name = group.attrs.get("name")
        name = name.decode("utf8") if isinstance(name, bytes) else name
        if name is not None:
            names.add(str(name))
        kernel, bias = group.get("0"), group.get("1")
        if len(group) == 2 and _is_convolution(kernel, bias):
            where = path[: -len("/vars")] if "/" in path else "/"
            convolutions.append(_Convolution(where, name, kernel, bias))
    return _Contents(convolutions, names)


def _contents(h5):
    root = _legacy_root(h5)
    return _legacy_contents(root) if root is not None else _keras3_contents(h5)


@contextmanager
def _open_contents(path):
    """The convolutions of any file this module reads, readable while the context lasts."""
    if is_onnx_file(path):
        convolutions, names = onnx_convolutions(path)
        yield _Contents([_Convolution(*c) for c in convolutions], names)
    else:
        with _open_hdf5(path) as h5:
            yield _contents(h5)


def _architecture(names):
    """The Keras application these layer names come from, if recognisable."""
    for pattern, architecture in _OTHER_ARCHITECTURES:
        if any(pattern.match(name) for name in names):
            if architecture == "ResNet":
                return _resnet_variant(names)
            return architecture
    return None


def _resnet_variant(names):
    blocks = [int(m.group(1)) for m in map(re.compile(r"conv4_block(\d+)_").match, names) if m]
    depth = {6: "50", 23: "101", 36: "152"}.get(max(blocks, default=0), "")
    return f"ResNet{depth}{'V2' if 'post_bn' in names else ''}"


def _shape_mismatch(convolution, vgg16_name):
    kernel_shape = VGG16_KERNEL_SHAPES[vgg16_name]
    shape = tuple(convolution.kernel.shape)
    if shape != kernel_shape:
        return f"{vgg16_name} has shape {shape} where VGG16 has {kernel_shape}"
    return None


def _by_vgg16_names(contents, path):
    """VGG16's 13 convolutions picked by layer name; None if the file names none of them."""
    named = {}
    for convolution in contents.convolutions:
        if convolution.name in VGG16_KERNEL_SHAPES:
            if convolution.name in named:
                raise ValueError(
                    f"{str(path)!r} holds two convolutions named {convolution.name} (at "
                    f"{named[convolution.name].where} and {convolution.where}): which "
                    f"VGG16 to use is ambiguous. Save the one you want on its own."
                )
            named[convolution.name] = convolution
    if not named:
        return None
    missing = [name for name in VGG16_KERNEL_SHAPES if name not in named]
    if missing:
        raise ValueError(
            f"{str(path)!r} holds {', '.join(named)} but not {', '.join(missing)}: it does "
            f"not hold the whole of VGG16's convolutional base."
        )
    errors = [e for e in (_shape_mismatch(named[n], n) for n in VGG16_KERNEL_SHAPES) if e]
    if errors:
        raise ValueError(f"{str(path)!r} is not VGG16's: {'; '.join(errors)}.")
    return [named[name] for name in VGG16_KERNEL_SHAPES]


def _by_order(contents, path):
    """VGG16's convolutions as the 13 kernels of VGG16's shapes, in the file's order."""
    shapes = set(VGG16_KERNEL_SHAPES.values())
    found = [c for c in contents.convolutions if tuple(c.kernel.shape) in shapes]
    if len(found) != len(VGG16_KERNEL_SHAPES):
        listed = "; ".join(f"{c.where} {tuple(c.kernel.shape)}" for c in found) or "none"
        raise ValueError(
            f"{str(path)!r} holds {len(found)} convolutions of VGG16's kernel shapes where "
            f"VGG16 has 13, so which are VGG16's is ambiguous (found: {listed})."
        )
    for convolution, name in zip(found, VGG16_KERNEL_SHAPES, strict=True):
        if tuple(convolution.kernel.shape) != VGG16_KERNEL_SHAPES[name]:
            raise ValueError(
                f"{str(path)!r}: in the file's order, the convolution at {convolution.where} "
                f"would be VGG16's {name}, but it has shape {tuple(convolution.kernel.shape)} "
                f"where {name} has {VGG16_KERNEL_SHAPES[name]}."
            )
    return found


def _not_vgg16_error(contents, path):
    architecture = _architecture(contents.layer_names)
    if architecture is not None:
        return ValueError(f"{str(path)!r} holds {architecture} weights, not VGG16's.")
    if not contents.convolutions:
        return ValueError(f"{str(path)!r} holds no convolution: it is not VGG16's weights.")
    names = sorted({str(c.name or c.where) for c in contents.convolutions}, key=_natural_key)
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    return ValueError(
        f"{str(path)!r} names none of VGG16's layers (block1_conv1 ... block5_conv3); its "
        f"{len(contents.convolutions)} convolutions are {shown}. If they are VGG16's under "
        f"other names, convert the file with skactrec.convert_vgg16_weights."
    )


def _vgg16_convolutions(contents, path, *, by_order):
    """The 13 convolutions in VGG16's order, by name, else (if allowed) by file order."""
    architecture = _architecture(contents.layer_names)
    if architecture == "VGG19":  # VGG19 has all of VGG16's names: refuse it first
        raise _not_vgg16_error(contents, path)
    found = _by_vgg16_names(contents, path)
    if found is not None:
        return found
    if by_order:
        if architecture is not None:
            raise _not_vgg16_error(contents, path)
        return _by_order(contents, path)
    raise _not_vgg16_error(contents, path)


def _unnamed(contents):
    """Whether no layer has a name: a Keras 3 file of a Keras older than its names."""
    return not contents.layer_names


def read_vgg16_weights(path, *, by_order=False):
    """VGG16's 13 (kernel, bias) pairs from a Keras weights or model file.

    Parameters
    ----------
    path : str or os.PathLike
        A Keras legacy ``.h5`` (weights or model, with or without top), a Keras 3
        ``.weights.h5``, a ``.keras`` model file or an ONNX model (``.onnx``, needs
        the ``onnx`` package) holding VGG16's convolutions under Keras's layer names,
        at any depth of nesting.
    by_order : bool, default=False
        Whether a file that names none of VGG16's layers may give them as its 13
        kernels of VGG16's shapes, in order (what :func:`convert_vgg16_weights` does).
        A Keras 3 file without layer names is always read so, as Keras itself would.

    Returns
    -------
    weights : dict
        ``{"block1_conv1": (kernel, bias), ...}`` as float32 arrays, in VGG16's order.

    Raises
    ------
    ValueError
        The file is not VGG16's, or which of its kernels are VGG16's is ambiguous. The
        message names the file and what it found.

    Examples
    --------
    >>> from skactrec.features._weights_files import VGG16_KERNEL_SHAPES
    >>> VGG16_KERNEL_SHAPES["block3_conv1"]
    (3, 3, 128, 256)
    """
    with _open_contents(path) as contents:
        found = _vgg16_convolutions(contents, path, by_order=by_order or _unnamed(contents))
        return {name: c.arrays() for name, c in zip(VGG16_KERNEL_SHAPES, found, strict=True)}


def weights_digest(weights):
    """SHA-256 of VGG16's weights as read (the arrays, not the file's bytes)."""
    digest = hashlib.sha256()
    for name, (kernel, bias) in weights.items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(kernel, dtype="<f4").tobytes())
        digest.update(np.ascontiguousarray(bias, dtype="<f4").tobytes())
    return digest.hexdigest()


def set_vgg16_weights(model, weights):
    """Load ``{"block1_conv1": (kernel, bias), ...}`` into a Keras VGG16 ``model``."""
    for name, arrays in weights.items():
        model.get_layer(name).set_weights(list(arrays))
