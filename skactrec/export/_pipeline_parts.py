"""What the exporters read of a fitted Pipeline: whether it can be exported, its metadata,
and its featurizer's VGG16 as a Keras model with the featurizer's weights."""

import json

from .._version import __version__


def check_exportable(model):
    """Raise a ValueError unless ``model`` is a fitted Pipeline that can be exported."""
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.validation import check_is_fitted

    from ..classifier import LSTMVideoClassifier, TemporalPooling
    from ..features import VGG16FrameFeaturizer

    kinds = [type(step) for _, step in model.steps] if isinstance(model, Pipeline) else None
    if kinds not in ([VGG16FrameFeaturizer, LSTMVideoClassifier],
                     [VGG16FrameFeaturizer, TemporalPooling, StandardScaler,
                      LogisticRegression]):
        got = (f"a Pipeline of {', '.join(kind.__name__ for kind in kinds)}" if kinds
               else f"a {type(model).__name__}")
        raise ValueError(
            "export_model takes a fitted Pipeline of VGG16FrameFeaturizer then "
            "LSTMVideoClassifier (or VGG16FrameFeaturizer, TemporalPooling, StandardScaler, "
            f"LogisticRegression); got {got}.")
    try:
        for step in model[1:]:
            check_is_fitted(step)
    except NotFittedError:
        raise ValueError("export_model takes a fitted Pipeline; this one is not fitted: "
                         "call fit first.") from None
    head = model[-1]
    if isinstance(head, LogisticRegression) and len(head.classes_) > 2 and \
            getattr(head, "multi_class", "auto") == "ovr":
        raise ValueError("export_model takes a multinomial LogisticRegression; this one "
                         "is one-vs-rest (multi_class='ovr').")


def model_metadata(model, keeps_mixed_precision=False):
    """What a consumer needs to read frames as the model does and to name its outputs.

    All values are strings (ONNX's ``metadata_props``); lists are JSON.
    ``keeps_mixed_precision``: the format computes in bfloat16 or float16 where the
    model did (Keras); otherwise everything is exported in float32.
    """
    from ..features._video_inputs import frame_size_tuple
    from ..features._weights import weights_identity

    featurizer, head = model[0], model[-1]
    fitted = {"VGG16": featurizer.compute_dtype, "features": featurizer.dtype,
              "classifier": getattr(head, "compute_dtype", "float32")}
    exported = {part: dtype if keeps_mixed_precision and part != "features"
                and dtype in ("bfloat16", "float16") else "float32"
                for part, dtype in fitted.items()}
    return {
        "classes": json.dumps([_plain(c) for c in head.classes_]),
        "n_frames": str(featurizer.n_frames),
        "frame_size": json.dumps(list(frame_size_tuple(featurizer.frame_size))),
        "sampling": featurizer.sampling,
        "layer": featurizer.layer,
        "pooling": str(featurizer.pooling),
        "weights": weights_identity(featurizer.weights),
        "input": "frames: uint8 RGB (videos, n_frames, height, width, 3), as "
                 "skactrec.read_video(path, n_frames, frame_size, sampling) returns them",
        "output": "probabilities: float32 (videos, n_classes), columns in the order of "
                  "classes",
        "model": " -> ".join(type(step).__name__ for _, step in model.steps),
        "precision": _parts(exported),
        "fitted_precision": _parts(fitted),
        "skactrec": __version__,
    }


def vgg16_of(featurizer, compute_dtype="float32"):
    """The featurizer's VGG16 up to its layer, with its weights, as a Keras model."""
    from ..features._vgg16 import build_vgg16
    from ..features._video_inputs import frame_size_tuple
    from ..features._weights import resolve_weights_file

    return build_vgg16(featurizer.layer, frame_size_tuple(featurizer.frame_size),
                       resolve_weights_file(featurizer.weights, download=False), compute_dtype)


def _parts(precisions):
    return ", ".join(f"{part} {dtype}" for part, dtype in precisions.items())


def _plain(label):
    """A class label as JSON keeps it: numbers stay numbers, anything else is its text."""
    item = getattr(label, "item", None)
    label = item() if item is not None else label
    return label if isinstance(label, int | float | str | bool) else str(label)
