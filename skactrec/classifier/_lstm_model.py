"""The Keras network of Orozco et al. (Algorithm 2): ``LSTM(n_units)`` then ``Dense(n_classes)``.

Keras is imported inside :func:`build_lstm_model` only, so importing this module stays cheap.
"""

from ..utils._precision import COMPUTE_DTYPES

# Optimizer names accepted by LSTMVideoClassifier, mapped to their ``keras.optimizers`` class.
OPTIMIZERS = {
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
    "nadam": "Nadam",
    "adagrad": "Adagrad",
    "sgd": "SGD",
}

# How the LSTM's hidden states become the video's: the paper's last one, or attention.
TEMPORAL_POOLINGS = ("last", "attention")

# Loss paired with each output activation; the targets are one-hot in both cases.
LOSSES = {
    "softmax": "categorical_crossentropy",
    "sigmoid": "binary_crossentropy",
}


def build_lstm_model(
    *,
    n_features,
    n_classes,
    n_units=360,
    dropout=0.0,
    output_activation="softmax",
    optimizer="rmsprop",
    learning_rate=0.001,
    compute_dtype="float32",
    temporal_pooling="last",
    seed=None,
):
    """Build and compile the paper's CNN-LSTM head as a Keras model.

    Parameters
    ----------
    n_features : int
        Number of features of one frame (25088 for VGG16's ``block5_pool``).
    n_classes : int
        Number of output units, one per class.
    n_units : int, default=360
        Number of LSTM units.
    dropout : float, default=0.0
        Fraction of the LSTM's inputs dropped during training.
    output_activation : {"softmax", "sigmoid"}, default="softmax"
        Activation of the dense output layer. Softmax is trained with categorical
        cross-entropy, sigmoid with binary cross-entropy; both on one-hot targets.
    optimizer : str, default="rmsprop"
        One of the keys of ``OPTIMIZERS``.
    learning_rate : float, default=0.001
        Learning rate given to the optimizer.
    compute_dtype : {"float32", "bfloat16", "float16"}, default="float32"
        Type the LSTM computes in: float32, or Keras's mixed precision (float32 weights).
        The output layer computes in float32 in every case. With ``"float16"`` the
        optimizer scales the loss (``keras.optimizers.LossScaleOptimizer``), as Keras's
        mixed precision requires.
    temporal_pooling : {"last", "attention"}, default="last"
        ``"last"``: the dense layer reads the LSTM's last hidden state (the paper).
        ``"attention"``: it reads the sum of every hidden state weighted by attention: a
        learned score per frame (a dense layer of one unit on the hidden state, named
        ``"attention_score"``), softmax over the frames (``"attention_weights"``, whose
        output is the frames' importances). No mask: any number of frames.
    seed : int, default=None
        Seed of the initial weights and of the dropout masks, given to each initializer
        and layer, so they never depend on a global random state that another thread of
        the process may draw from (a Dask worker's threads do). None: Keras's defaults.

    Returns
    -------
    model : keras.Model
        A compiled model (``Sequential`` for ``"last"``) whose input has shape
        ``(None, None, n_features)``,
        so sequences of any length can be read, and whose accuracy metric is named
        ``"accuracy"``. Its LSTM is a :class:`~skactrec.classifier._hoisted_lstm.HoistedLSTM`, a
        ``keras.layers.LSTM`` that projects all frames at once.
    """
    import keras

    from ._attention_layers import SoftmaxOverFrames
    from ._hoisted_lstm import HoistedLSTM

    # Keras's default initializers of these layers, seeded one by one.
    seeds = [None] * 5 if seed is None else [seed + i for i in range(5)]
    initializers = keras.initializers
    attention = temporal_pooling == "attention"
    lstm = HoistedLSTM(
        n_units, dropout=dropout, name="lstm", dtype=COMPUTE_DTYPES[compute_dtype],
        kernel_initializer=initializers.GlorotUniform(seed=seeds[0]),
        recurrent_initializer=initializers.Orthogonal(seed=seeds[1]),
        seed=seeds[2], return_sequences=attention,
    )
    output = keras.layers.Dense(
        n_classes, activation=output_activation, name="output", dtype="float32",
        kernel_initializer=initializers.GlorotUniform(seed=seeds[3]),
    )
    if not attention:
        model = keras.Sequential([keras.Input(shape=(None, n_features)), lstm, output],
                                 name="cnn_lstm")
    else:
        frames = keras.Input(shape=(None, n_features))
        states = lstm(frames)  # (videos, frames, n_units)
        scores = keras.layers.Dense(
            1, name="attention_score", dtype="float32",
            kernel_initializer=initializers.GlorotUniform(seed=seeds[4]))(states)
        weights = SoftmaxOverFrames(name="attention_weights", dtype="float32")(scores)
        pooled = keras.layers.Dot(axes=1, name="attention_pooling", dtype="float32")(
            [weights, states])  # (videos, 1, n_units)
        pooled = keras.layers.Reshape((n_units,), name="pooled_state")(pooled)
        model = keras.Model(frames, output(pooled), name="cnn_lstm_attention")
    optimizer = getattr(keras.optimizers, OPTIMIZERS[optimizer])(learning_rate=learning_rate)
    if compute_dtype == "float16":
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    model.compile(
        optimizer=optimizer,
        loss=LOSSES[output_activation],
        # Single-label accuracy (argmax against the one-hot target) for both activations.
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
    )
    return model
