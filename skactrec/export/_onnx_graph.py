"""A fitted Pipeline as one ONNX graph: uint8 frames in, class probabilities out.

Written op by op with ``onnx.helper`` (tf2onnx does not convert Keras 3 models): the
ImageNet preprocessing, VGG16's convolutions to the featurizer's layer (in ONNX's NCHW
layout), its pooling or flattening (in Keras's height, width, channel order, which the
LSTM's kernel rows follow), then the head: the LSTM as ONNX's ``LSTM`` op (Keras's gate
blocks reordered) with its attention and output layer, or the pooling baseline's statistics,
scaler and logistic regression. Everything computes in float32.
"""

import numpy as np

from ..features._vgg16 import IMAGENET_BGR_MEAN
from ._pipeline_parts import model_metadata, vgg16_of

OPSET = 18


class _Graph:
    """Nodes and initializers of a graph being written; each node has one named output."""

    def __init__(self):
        self.nodes, self.initializers = [], []

    def const(self, name, array):
        from onnx import numpy_helper

        array = np.asarray(array)
        if array.dtype.kind == "i":  # ONNX's shapes and axes are int64
            array = array.astype(np.int64)
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def op(self, op_type, inputs, output, **attributes):
        from onnx import helper

        self.nodes.append(helper.make_node(op_type, inputs, [output], **attributes))
        return output


def pipeline_to_onnx(pipeline):
    """The ONNX model of a fitted Pipeline: input ``frames``, uint8 ``(videos, n_frames,
    height, width, 3)``; output ``probabilities``, float32 ``(videos, n_classes)``; the
    metadata of :func:`~skactrec.export._pipeline_parts.model_metadata`."""
    import onnx
    from onnx import TensorProto, helper

    featurizer = pipeline[0]
    vgg16 = vgg16_of(featurizer, compute_dtype="float32")
    height, width = vgg16.input.shape[1:3]
    graph = _Graph()
    x = _frame_features(graph, vgg16, featurizer.pooling, height, width)
    if len(pipeline) == 2:
        _lstm_head(graph, pipeline[-1], x)
    else:
        _pooling_head(graph, *pipeline[1:], x)
    n_classes = len(pipeline[-1].classes_)
    model = helper.make_model(
        helper.make_graph(
            graph.nodes, "skactrec",
            [helper.make_tensor_value_info("frames", TensorProto.UINT8,
                                           ["videos", "n_frames", height, width, 3])],
            [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT,
                                           ["videos", n_classes])],
            graph.initializers),
        opset_imports=[helper.make_opsetid("", OPSET)], producer_name="skactrec")
    helper.set_model_props(model, model_metadata(pipeline))
    onnx.checker.check_model(model)
    return model


def _frame_features(graph, vgg16, pooling, height, width):
    """frames (videos, n_frames, H, W, 3) uint8 -> features (videos, n_frames, features)."""
    from onnx import TensorProto

    g = graph
    videos_frames = g.op("Slice", [g.op("Shape", ["frames"], "frames_shape"),
                                   g.const("zero", [0]), g.const("two", [2])], "videos_frames")
    x = g.op("Reshape", ["frames", g.const("frames_2d", [-1, height, width, 3])], "flat")
    x = g.op("Cast", [x], "as_float", to=TensorProto.FLOAT)
    x = g.op("Gather", [x, g.const("rgb_to_bgr", [2, 1, 0])], "bgr", axis=3)
    x = g.op("Sub", [x, g.const("bgr_mean", IMAGENET_BGR_MEAN)], "centred")
    x = g.op("Transpose", [x], "nchw", perm=[0, 3, 1, 2])
    for layer in vgg16.layers[1:]:
        if layer.name.endswith("_pool"):
            x = g.op("MaxPool", [x], layer.name, kernel_shape=[2, 2], strides=[2, 2])
            continue
        kernel, bias = layer.get_weights()
        x = g.op("Conv", [x, g.const(f"{layer.name}_kernel", kernel.transpose(3, 2, 0, 1)),
                          g.const(f"{layer.name}_bias", bias)], f"{layer.name}_linear",
                 pads=[1, 1, 1, 1])
        x = g.op("Relu", [x], layer.name)
    if pooling in ("avg", "max"):
        x = g.op({"avg": "ReduceMean", "max": "ReduceMax"}[pooling],
                 [x, g.const("space", [2, 3])], "frame_features", keepdims=0)
    else:  # flattened as Keras flattens (height, width, channels)
        x = g.op("Flatten", [g.op("Transpose", [x], "nhwc", perm=[0, 2, 3, 1])],
                 "frame_features", axis=1)
    shape = g.op("Concat", [videos_frames, g.const("features_axis", [-1])], "sequences_shape",
                 axis=0)
    return g.op("Reshape", [x, shape], "sequences")


def _keras_gates_in_onnx_order(matrix):
    """Keras's gate blocks (i, f, c, o) along the last axis, in ONNX's order (i, o, f, c)."""
    i, f, c, o = np.split(matrix, 4, axis=-1)
    return np.concatenate([i, o, f, c], axis=-1)


def _lstm_head(graph, classifier, sequences):
    """(videos, frames, features) -> probabilities, through the fitted LSTM and its head."""
    from onnx import helper

    g = graph
    network = classifier.model_
    kernel, recurrent, bias = network.get_layer("lstm").get_weights()
    units = recurrent.shape[0]
    gates = _keras_gates_in_onnx_order
    x = g.op("Transpose", [sequences], "time_major", perm=[1, 0, 2])
    g.nodes.append(helper.make_node(
        "LSTM", [x, g.const("lstm_W", gates(kernel).T[None]),
                 g.const("lstm_R", gates(recurrent).T[None]),
                 g.const("lstm_B", np.concatenate([gates(bias), np.zeros_like(bias)])[None])],
        ["lstm_states", "lstm_last_state"], hidden_size=units))
    if classifier.temporal_pooling == "attention":
        states = g.op("Transpose", [g.op("Squeeze", ["lstm_states", g.const("one", [1])],
                                         "states_time_major")], "states", perm=[1, 0, 2])
        score_kernel, score_bias = network.get_layer("attention_score").get_weights()
        scores = g.op("Add", [g.op("MatMul", [states, g.const("score_kernel", score_kernel)],
                                   "scores_linear"), g.const("score_bias", score_bias)],
                      "scores")
        weights = g.op("Softmax", [scores], "attention_weights", axis=1)
        x = g.op("ReduceSum", [g.op("Mul", [states, weights], "weighted_states"),
                               g.const("frames_axis", [1])], "video_state", keepdims=0)
    else:
        x = g.op("Squeeze", ["lstm_last_state", g.const("directions", [0])], "video_state")
    kernel, bias = network.get_layer("output").get_weights()
    x = g.op("Gemm", [x, g.const("output_kernel", kernel), g.const("output_bias", bias)],
             "logits")
    if classifier.output_activation == "softmax":
        g.op("Softmax", [x], "probabilities", axis=1)
    else:  # predict_proba divides each row of sigmoids by its sum
        x = g.op("Sigmoid", [x], "sigmoids")
        total = g.op("ReduceSum", [x, g.const("classes_axis", [1])], "sigmoids_sum",
                     keepdims=1)
        g.op("Div", [x, total], "probabilities")


def _pooling_head(graph, pooling, scaler, logistic, sequences):
    """(videos, frames, features) -> probabilities, through TemporalPooling, StandardScaler
    and a multinomial (or binary) LogisticRegression."""
    g = graph
    frames_axis = g.const("frames_axis", [1])
    parts = []
    for statistic in pooling.statistics:
        if statistic == "std":
            mean = g.op("ReduceMean", [sequences, frames_axis], "std_mean", keepdims=1)
            centred = g.op("Sub", [sequences, mean], "std_centred")
            variance = g.op("ReduceMean", [g.op("Mul", [centred, centred], "std_squares"),
                                           frames_axis], "std_variance", keepdims=0)
            parts.append(g.op("Sqrt", [variance], "std"))
        else:
            op_type = {"mean": "ReduceMean", "max": "ReduceMax", "min": "ReduceMin"}[statistic]
            parts.append(g.op(op_type, [sequences, frames_axis], statistic, keepdims=0))
    x = g.op("Concat", parts, "video_statistics", axis=1)
    if scaler.with_mean:
        x = g.op("Sub", [x, g.const("scaler_mean", scaler.mean_.astype(np.float32))],
                 "centred_statistics")
    if scaler.scale_ is not None:
        x = g.op("Div", [x, g.const("scaler_scale", scaler.scale_.astype(np.float32))],
                 "scaled_statistics")
    x = g.op("Gemm", [x, g.const("coef", logistic.coef_.T.astype(np.float32)),
                      g.const("intercept", logistic.intercept_.astype(np.float32))],
             "decision")
    if logistic.coef_.shape[0] == 1:  # binary: [1 - expit(d), expit(d)]
        p = g.op("Sigmoid", [x], "positive")
        negative = g.op("Sub", [g.const("ones", np.ones((1, 1), np.float32)), p], "negative")
        g.op("Concat", [negative, p], "probabilities", axis=1)
    else:
        g.op("Softmax", [x], "probabilities", axis=1)
