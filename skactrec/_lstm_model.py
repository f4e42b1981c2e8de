"""The Keras network of Orozco et al. (Algorithm 2): ``LSTM(n_units)`` then ``Dense(n_classes)``.

Keras is imported inside :func:`build_lstm_model` only, so importing this module stays cheap.
"""

from ._precision import COMPUTE_DTYPES

# Optimizer names accepted by LSTMVideoClassifier, mapped to their ``keras.optimizers`` class.
OPTIMIZERS = {
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
    "nadam": "Nadam",
    "adagrad": "Adagrad",
    "sgd": "SGD",
}

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
    seed : int, default=None
        Seed of the initial weights and of the dropout masks, given to each initializer
        and layer, so they never depend on a global random state that another thread of
        the process may draw from (a Dask worker's threads do). None: Keras's defaults.

    Returns
    -------
    model : keras.Model
        A compiled ``Sequential`` model whose input has shape ``(None, None, n_features)``,
        so sequences of any length can be read, and whose accuracy metric is named
        ``"accuracy"``. Its LSTM is a :class:`~skactrec._hoisted_lstm.HoistedLSTM`, a
        ``keras.layers.LSTM`` that projects all frames at once.
    """
    import keras

    from ._hoisted_lstm import HoistedLSTM

    # Keras's default initializers of these layers, seeded one by one.
    seeds = [None] * 4 if seed is None else [seed + i for i in range(4)]
    initializers = keras.initializers
    model = keras.Sequential(
        [
            keras.Input(shape=(None, n_features)),
            HoistedLSTM(
                n_units, dropout=dropout, name="lstm", dtype=COMPUTE_DTYPES[compute_dtype],
                kernel_initializer=initializers.GlorotUniform(seed=seeds[0]),
                recurrent_initializer=initializers.Orthogonal(seed=seeds[1]),
                seed=seeds[2],
            ),
            keras.layers.Dense(
                n_classes, activation=output_activation, name="output", dtype="float32",
                kernel_initializer=initializers.GlorotUniform(seed=seeds[3]),
            ),
        ],
        name="cnn_lstm",
    )
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
