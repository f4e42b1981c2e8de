"""WORK IN PROGRESS (branch wip/onnx-export): a fitted Pipeline(VGG16FrameFeaturizer,
LSTMVideoClassifier) as one ONNX graph, uint8 frames in, class probabilities out.

Written with ``onnx.helper`` op by op (tf2onnx does not convert Keras 3 models): the
ImageNet preprocessing, VGG16's convolutions to the featurizer's layer (NCHW), its pooling
or flattening (in Keras's HWC order, which the LSTM's kernel rows follow), the LSTM as
ONNX's ``LSTM`` op (gates reordered), the dense layer and its softmax.
Not yet: attention, sigmoid outputs, the pooling head, metadata, the public function.
"""

import numpy as np

_BGR_MEAN = np.array([103.939, 116.779, 123.68], dtype=np.float32)


def vgg16_conv_weights(featurizer):
    """``{"block1_conv1": (kernel, bias), ...}`` of the featurizer's VGG16."""
    from ..features._weights import resolve_weights_file
    from ..features._weights_files import read_vgg16_weights

    path = resolve_weights_file(featurizer.weights, download=False)
    if path is not None:
        return read_vgg16_weights(path)
    import keras

    from ..features._vgg16 import _set_random_weights

    base = keras.applications.VGG16(include_top=False, weights=None,
                                    input_shape=(*_frame_size(featurizer), 3))
    _set_random_weights(base)
    return {layer.name: tuple(layer.get_weights()) for layer in base.layers
            if layer.get_weights()}


def _frame_size(featurizer):
    size = featurizer.frame_size
    return (size, size) if np.isscalar(size) else tuple(size)


def _gates_for_onnx(matrix):
    """Keras's gate blocks (i, f, c, o) along the last axis, in ONNX's order (i, o, f, c)."""
    i, f, c, o = np.split(matrix, 4, axis=-1)
    return np.concatenate([i, o, f, c], axis=-1)


def pipeline_to_onnx(pipeline, opset=18):
    """The ONNX model of ``pipeline``: input ``frames`` uint8 (videos, n_frames, height,
    width, 3), output ``probabilities`` float32 (videos, n_classes)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    featurizer, classifier = pipeline[0], pipeline[-1]
    height, width = _frame_size(featurizer)
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op, inputs, output, **attributes):
        nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    # (videos, frames, H, W, 3) uint8 -> (videos * frames, 3, H, W) float32, BGR minus means.
    x = node("Shape", ["frames"], "frames_shape")
    videos_frames = node("Slice", [x, const("s0", [0]), const("s2", [2])], "videos_frames")
    x = node("Reshape", ["frames", const("frames_2d", [-1, height, width, 3])], "flat_frames")
    x = node("Cast", [x], "as_float", to=TensorProto.FLOAT)
    x = node("Gather", [x, const("bgr", np.array([2, 1, 0], np.int64))], "bgr_frames", axis=3)
    x = node("Sub", [x, const("mean", _BGR_MEAN)], "centred")
    x = node("Transpose", [x], "nchw", perm=[0, 3, 1, 2])
    layer = featurizer.layer
    for name, (kernel, bias) in vgg16_conv_weights(featurizer).items():
        block = name.split("_")[0]
        x = node("Conv", [x, const(f"{name}_w", kernel.transpose(3, 2, 0, 1).copy()),
                          const(f"{name}_b", bias)], f"{name}_conv", pads=[1, 1, 1, 1])
        x = node("Relu", [x], name)
        if name == layer:
            break
        last_conv = int(name[-1]) == {"block1": 2, "block2": 2}.get(block, 3)
        if last_conv:
            x = node("MaxPool", [x], f"{block}_pool", kernel_shape=[2, 2], strides=[2, 2])
            if f"{block}_pool" == layer:
                break
    if featurizer.pooling == "avg":
        x = node("ReduceMean", [x, const("hw", np.array([2, 3], np.int64))], "pooled",
                 keepdims=0)
    elif featurizer.pooling == "max":
        x = node("ReduceMax", [x, const("hw2", np.array([2, 3], np.int64))], "pooled",
                 keepdims=0)
    else:  # Keras flattens (H, W, C)
        x = node("Transpose", [x], "nhwc", perm=[0, 2, 3, 1])
        x = node("Flatten", [x], "pooled", axis=1)
    shape = node("Concat", [videos_frames, const("features_dim", [-1])], "seq_shape", axis=0)
    x = node("Reshape", [x, shape], "sequences")  # (videos, frames, features)

    head = pipeline.steps[1:]
    if len(head) == 1:
        _lstm_head(classifier, x, node, const, nodes, helper)
    else:
        _pooling_head([step for _, step in head], x, node, const)

    for tensor in inits:  # int64 index constants
        if tensor.data_type == TensorProto.INT32:
            tensor.CopyFrom(numpy_helper.from_array(
                numpy_helper.to_array(tensor).astype(np.int64), tensor.name))
    graph = helper.make_graph(
        nodes, "skactrec",
        [helper.make_tensor_value_info("frames", TensorProto.UINT8,
                                       ["videos", "n_frames", height, width, 3])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT,
                                       ["videos", len(classifier.classes_)])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    helper.set_model_props(model, metadata(pipeline))
    onnx.checker.check_model(model)
    return model


def metadata(pipeline):
    """What a consumer needs to read frames as the model does and name its outputs."""
    import json

    from .._version import __version__
    from ..features._weights import weights_identity

    featurizer = pipeline[0]
    return {"classes": json.dumps([str(c) for c in pipeline[-1].classes_]),
            "n_frames": str(featurizer.n_frames),
            "frame_size": json.dumps(list(_frame_size(featurizer))),
            "sampling": str(featurizer.sampling), "layer": featurizer.layer,
            "pooling": str(featurizer.pooling),
            "weights": weights_identity(featurizer.weights),
            "skactrec": __version__, "precision": "float32"}


def _lstm_head(classifier, x, node, const, nodes, helper):
    """(videos, frames, features) -> probabilities, through the fitted LSTM and its head."""
    x = node("Transpose", [x], "time_major", perm=[1, 0, 2])
    kernel, recurrent, bias = classifier.model_.get_layer("lstm").get_weights()
    units = recurrent.shape[0]
    nodes.append(helper.make_node(
        "LSTM", [x, const("lstm_W", _gates_for_onnx(kernel).T[None].copy()),
                 const("lstm_R", _gates_for_onnx(recurrent).T[None].copy()),
                 const("lstm_B", np.concatenate([_gates_for_onnx(bias),
                                                 np.zeros(4 * units, np.float32)])[None])],
        ["lstm_Y", "lstm_Y_h"], hidden_size=units))
    if classifier.temporal_pooling == "attention":
        states = node("Squeeze", ["lstm_Y", const("a1", [1])], "states_time_major")
        states = node("Transpose", [states], "states", perm=[1, 0, 2])  # (videos, frames, U)
        score_w, score_b = classifier.model_.get_layer("attention_score").get_weights()
        scores = node("Add", [node("MatMul", [states, const("score_w", score_w)], "scores_w"),
                              const("score_b", score_b)], "scores")
        weights = node("Softmax", [scores], "frame_weights", axis=1)
        x = node("ReduceSum", [node("Mul", [states, weights], "weighted"),
                               const("a1b", [1])], "last_state", keepdims=0)
    else:
        x = node("Squeeze", ["lstm_Y_h", const("a0", [0])], "last_state")
    dense_w, dense_b = classifier.model_.get_layer("output").get_weights()
    x = node("Gemm", [x, const("dense_w", dense_w), const("dense_b", dense_b)], "logits")
    if classifier.output_activation == "softmax":
        node("Softmax", [x], "probabilities", axis=1)
    else:  # predict_proba divides each row of sigmoids by its sum
        x = node("Sigmoid", [x], "sigmoids")
        total = node("ReduceSum", [x, const("a1c", [1])], "sigmoid_sum", keepdims=1)
        node("Div", [x, total], "probabilities")


def _pooling_head(steps, x, node, const):
    """(videos, frames, features) -> probabilities, through TemporalPooling, StandardScaler
    and LogisticRegression."""
    pooling, scaler, logistic = steps
    parts = []
    for statistic in pooling.statistics:
        axis = const(f"t_{statistic}", [1])
        if statistic == "std":
            mean = node("ReduceMean", [x, axis], "std_mean", keepdims=1)
            centred = node("Sub", [x, mean], "std_centred")
            square = node("Mul", [centred, centred], "std_square")
            parts.append(node("Sqrt", [node("ReduceMean", [square, axis], "std_var",
                                            keepdims=0)], "std"))
        else:
            op = {"mean": "ReduceMean", "max": "ReduceMax", "min": "ReduceMin"}[statistic]
            parts.append(node(op, [x, axis], f"pooled_{statistic}", keepdims=0))
    x = node("Concat", parts, "video_statistics", axis=1)
    x = node("Div", [node("Sub", [x, const("scaler_mean", scaler.mean_.astype(np.float32))],
                          "scaler_centred"),
                     const("scaler_scale", scaler.scale_.astype(np.float32))], "standardized")
    x = node("Gemm", [x, const("logistic_w", logistic.coef_.T.astype(np.float32)),
                      const("logistic_b", logistic.intercept_.astype(np.float32))], "decision")
    if logistic.coef_.shape[0] == 1:  # binary: [1 - expit(d), expit(d)]
        p = node("Sigmoid", [x], "p1")
        node("Concat", [node("Sub", [const("one", np.ones((1, 1), np.float32)), p], "p0"), p],
             "probabilities", axis=1)
    else:
        node("Softmax", [x], "probabilities", axis=1)


FORMATS = ("onnx",)


def export_model(model, path, format="onnx"):
    """Write a fitted skactrec Pipeline as one graph that runs without skactrec.

    Parameters
    ----------
    model : Pipeline
        Fitted ``make_pipeline(VGG16FrameFeaturizer(...), LSTMVideoClassifier(...))``, or
        the pooling head's ``make_pipeline(featurizer, TemporalPooling(...),
        StandardScaler(), LogisticRegression())``.
    path : str or os.PathLike
        The file to write; its folder must exist.
    format : {"onnx"}, default="onnx"
        ONNX: input ``frames``, uint8 ``(videos, n_frames, height, width, 3)`` as
        :func:`~skactrec.read_video` gives them; output ``probabilities``.

    Returns
    -------
    path : pathlib.Path
    """
    from pathlib import Path

    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.validation import check_is_fitted

    from ..classifier import LSTMVideoClassifier, TemporalPooling
    from ..features import VGG16FrameFeaturizer

    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}; got {format!r}.")
    kinds = [type(step) for _, step in getattr(model, "steps", [])]
    if not isinstance(model, Pipeline) or kinds not in (
            [VGG16FrameFeaturizer, LSTMVideoClassifier],
            [VGG16FrameFeaturizer, TemporalPooling, StandardScaler, LogisticRegression]):
        raise ValueError(
            "export_model takes a fitted Pipeline of VGG16FrameFeaturizer then "
            "LSTMVideoClassifier (or TemporalPooling, StandardScaler, LogisticRegression); "
            f"got {type(model).__name__}" + (f" of {[k.__name__ for k in kinds]}" if kinds
                                              else "") + ".")
    try:
        check_is_fitted(model[-1])
    except NotFittedError:
        raise ValueError("export_model takes a fitted Pipeline: fit it first.") from None
    path = Path(path)
    if not path.parent.is_dir():
        raise ValueError(f"The folder of {path} does not exist.")
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise ImportError("format='onnx' needs the onnx package: pip install "
                          "'skactrec[onnx]'.") from None
    path.write_bytes(pipeline_to_onnx(model).SerializeToString())
    return path
