"""``export_model``: a fitted Pipeline as one file that runs without skactrec.

Which models can be exported and what every format reads of them is
:mod:`._pipeline_parts`; each format's graph is its own module: ONNX (:mod:`._onnx_graph`),
OpenVINO's IR converted from it (:mod:`._openvino_ir`) and Keras (:mod:`._keras_model`).
Here: the checks of the arguments and the file written whole or not at all.
"""

import os
from pathlib import Path

from ..utils._files import atomic_path
from ._pipeline_parts import check_exportable

# Each format, by name, and the suffix of the file it writes.
FORMATS = {"onnx": ".onnx", "openvino": ".xml", "keras": ".keras"}
# The packages each format needs, and the extras of skactrec that install them.
_NEEDS = {"onnx": (("onnx",), "onnx"), "openvino": (("onnx", "openvino"), "onnx,openvino"),
          "keras": (("keras",), None)}


def export_model(model, path, format="onnx"):
    """Write a fitted skactrec Pipeline as one file that runs without skactrec.

    The file holds the whole model, from frames to class probabilities: the ImageNet
    preprocessing, VGG16 up to the featurizer's layer, its pooling or flattening, the
    LSTM (either ``temporal_pooling``) and the output layer. Its input is uint8 RGB frames
    ``(videos, n_frames, height, width, 3)`` exactly as :func:`~skactrec.read_video`
    returns them with the featurizer's ``n_frames``, ``frame_size`` and ``sampling``; its
    output the probabilities of the classes, in the order of ``classes_``. The number of
    videos is free.

    Parameters
    ----------
    model : Pipeline
        A fitted ``make_pipeline(VGG16FrameFeaturizer(...), LSTMVideoClassifier(...))``,
        or the pooling baseline ``make_pipeline(VGG16FrameFeaturizer(...),
        TemporalPooling(...), StandardScaler(), LogisticRegression())``.
    path : str or os.PathLike
        The file to write, in an existing folder, named with the format's suffix
        (``.onnx``, ``.xml``, ``.keras``); an existing file is replaced. The file is
        written whole or not at all.
    format : {"onnx", "openvino", "keras"}, default="onnx"
        ``"onnx"`` (needs ``pip install "skactrec[onnx]"``): one ONNX graph (opset 18),
        input ``"frames"``, output ``"probabilities"``, for onnxruntime or any ONNX
        runtime. ``"openvino"`` (needs ``pip install "skactrec[onnx,openvino]"``):
        OpenVINO's IR, the ``.xml`` file and its weights beside it in a ``.bin`` of the
        same name. ``"keras"``: a ``.keras`` file that Keras loads once skactrec's layers
        are registered (:func:`keras_custom_objects`).

    Returns
    -------
    path : pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        ``model`` is not a fitted Pipeline of the steps above, ``format`` is unknown, or
        ``path`` has another suffix or is in a folder that does not exist.
    ImportError
        The format's optional packages are missing (the message says what to install).

    Notes
    -----
    The metadata a consumer needs travel in the file (ONNX's ``metadata_props``,
    OpenVINO's ``rt_info`` under ``"skactrec"``, the Keras model's
    ``get_layer("preprocessing").metadata``): ``classes`` (a JSON list), ``n_frames``,
    ``frame_size`` (a JSON ``[height, width]``), ``sampling``, ``layer``, ``pooling``,
    ``weights`` (their identity), ``skactrec`` (the version that wrote it) and the
    precisions: ``precision``, what the file computes in, and ``fitted_precision``, what
    the Pipeline computed in (e.g. ``"VGG16 bfloat16, features float32, classifier
    float32"``). ONNX and OpenVINO graphs compute in float32: a model whose featurizer or
    classifier computed in bfloat16, float16 or int8, or stored float16 features, is
    exported in float32, and answers as the same model computing in float32 would. A Keras
    file keeps bfloat16 and float16 as Keras's mixed precision (int8 becomes float32).

    Read more in the user guide: :ref:`deploying`.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklearn.pipeline import make_pipeline
    >>> from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, export_model
    >>> videos = [np.full((4, 32, 32, 3), 40 * i, np.uint8) for i in range(4)]
    >>> pipe = make_pipeline(
    ...     VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer="block2_pool",
    ...                          pooling="avg", weights=None),
    ...     LSTMVideoClassifier(n_units=4, epochs=1, random_state=0))
    >>> pipe = pipe.fit(videos, ["run", "walk", "run", "walk"])
    >>> export_model(pipe, os.path.join(tempfile.mkdtemp(), "model.onnx")).name
    'model.onnx'
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}; got {format!r}.")
    check_exportable(model)
    suffix = FORMATS[format]
    path = Path(os.fspath(path)).expanduser()
    if path.suffix != suffix:
        raise ValueError(f"format={format!r} writes a {suffix} file; got {str(path)!r}.")
    if not path.parent.is_dir():
        raise ValueError(f"Cannot write {str(path)!r}: the folder {str(path.parent)!r} does "
                         "not exist.")
    _import_or_explain(format)
    if format == "onnx":
        from ._onnx_graph import pipeline_to_onnx

        onnx_model = pipeline_to_onnx(model)
        with atomic_path(path) as partial:
            partial.write_bytes(onnx_model.SerializeToString())
    elif format == "openvino":
        from ._openvino_ir import save_openvino_ir

        save_openvino_ir(model, path)
    else:
        from ._keras_model import pipeline_to_keras

        keras_model = pipeline_to_keras(model)
        with atomic_path(path) as partial:
            keras_model.save(partial)
    return path


def _import_or_explain(format):
    """Import the format's packages, or an ImportError naming what to install."""
    modules, extras = _NEEDS[format]
    for module in modules:
        try:
            __import__(module)
        except ImportError as exc:
            raise ImportError(
                f"format={format!r} needs the {module} package, an optional extra of "
                f"skactrec: pip install 'skactrec[{extras}]'.") from exc
