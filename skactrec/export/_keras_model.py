"""A fitted Pipeline as one Keras model, uint8 frames in, class probabilities out.

The featurizer's VGG16 (in its compute dtype where Keras has it: bfloat16 and float16 stay
mixed precision) runs on every frame through ``TimeDistributed``; then a copy of the
classifier's fitted network (without its optimizer), or for the pooling baseline the
statistics, a ``Normalization`` layer (the scaler) and a softmax ``Dense`` layer (the
logistic regression).
"""

import numpy as np

from ._pipeline_parts import model_metadata, vgg16_of


def keras_custom_objects():
    """Register skactrec's Keras layers and return them, by name, for Keras's loaders.

    Exported ``.keras`` files use a few layers of skactrec's (the preprocessing, the LSTM
    that projects every frame at once, the attention's softmax, the pooling baseline's
    statistics): once this function has run, ``keras.saving.load_model(path)`` loads them;
    ``custom_objects=keras_custom_objects()`` says so explicitly. Imports Keras.

    Returns
    -------
    custom_objects : dict of str to class

    Examples
    --------
    >>> from skactrec.export import keras_custom_objects
    >>> sorted(keras_custom_objects())  # doctest: +NORMALIZE_WHITESPACE
    ['skactrec>HoistedLSTM', 'skactrec>ImageNetPreprocessing', 'skactrec>SoftmaxOverFrames',
     'skactrec>SumToOne', 'skactrec>TemporalStatistics']
    """
    from ..classifier._attention_layers import SoftmaxOverFrames
    from ..classifier._hoisted_lstm import KERAS_PACKAGE, HoistedLSTM
    from ._keras_layers import ImageNetPreprocessing, SumToOne, TemporalStatistics

    layers = (HoistedLSTM, ImageNetPreprocessing, SoftmaxOverFrames, SumToOne,
              TemporalStatistics)
    return {f"{KERAS_PACKAGE}>{layer.__name__}": layer for layer in layers}


def pipeline_to_keras(pipeline):
    """The Keras model of a fitted Pipeline (see :func:`~skactrec.export.export_model`)."""
    import keras

    from ._keras_layers import ImageNetPreprocessing, SumToOne

    featurizer, head = pipeline[0], pipeline[-1]
    mixed = featurizer.compute_dtype if featurizer.compute_dtype in ("bfloat16", "float16") \
        else "float32"
    vgg16 = vgg16_of(featurizer, compute_dtype=mixed)
    frames = keras.Input((None, *vgg16.input.shape[1:]), dtype="uint8", name="frames")
    x = ImageNetPreprocessing(model_metadata(pipeline, keeps_mixed_precision=True),
                              name="preprocessing", dtype="float32")(frames)
    x = keras.layers.TimeDistributed(vgg16, name="vgg16")(x)
    pooling = {"avg": keras.layers.GlobalAveragePooling2D,
               "max": keras.layers.GlobalMaxPooling2D}.get(featurizer.pooling,
                                                           keras.layers.Flatten)
    x = keras.layers.TimeDistributed(pooling(dtype="float32"), name="frame_features")(x)
    if len(pipeline) == 2:
        fitted = head.model_  # copied without its optimizer and its state
        network = type(fitted).from_config(fitted.get_config())
        network.set_weights(fitted.get_weights())
        x = network(x)
        if head.output_activation == "sigmoid":
            x = SumToOne(name="probabilities", dtype="float32")(x)
    else:
        x = _pooling_head(*pipeline[1:], x)
    return keras.Model(frames, x, name="skactrec_" + "_".join(pipeline.named_steps))


def _pooling_head(pooling, scaler, logistic, sequences):
    import keras

    from ._keras_layers import TemporalStatistics

    x = TemporalStatistics(pooling.statistics, name="temporal_pooling",
                           dtype="float32")(sequences)
    n_inputs = x.shape[-1]
    mean = scaler.mean_ if scaler.with_mean else np.zeros(n_inputs)
    scale = np.ones(n_inputs) if scaler.scale_ is None else scaler.scale_
    x = keras.layers.Normalization(mean=mean, variance=scale ** 2, name="standard_scaler",
                                   dtype="float32")(x)
    coef, intercept = logistic.coef_.T, logistic.intercept_
    if coef.shape[1] == 1:  # binary: softmax([0, d]) is [1 - expit(d), expit(d)]
        coef = np.concatenate([np.zeros_like(coef), coef], axis=1)
        intercept = np.concatenate([[0.0], intercept])
    dense = keras.layers.Dense(coef.shape[1], activation="softmax", name="logistic_regression",
                               dtype="float32")
    x = dense(x)
    dense.set_weights([coef.astype(np.float32), intercept.astype(np.float32)])
    return x
