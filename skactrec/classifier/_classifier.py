"""LSTMVideoClassifier: the LSTM + dense head of Orozco et al.'s CNN-LSTM, as an sklearn classifier.

The estimator validates, encodes the classes and seeds the fit; the Keras model is built
through scikeras and trained batch by batch in :mod:`._keras_fit` (why scikeras is used
inside rather than as a base class is told there). Prediction calls ``model_`` eagerly,
batch by batch (:func:`._batches.predict_in_batches`): scikeras's ``predict_proba`` requires
``X.shape[1:]`` to equal the training shape, which would fix the number of frames, and
``model.predict`` traces a graph per input shape. A fitted model holds skactrec's Keras
layers, which Keras loads only once they are registered: ``__reduce__`` unpickles through
:func:`_unpickle`, which imports them first. TensorFlow, Keras and scikeras are imported in
``fit`` and ``predict_proba`` only. The whole story: the user guide's "How skactrec works".
"""

import functools
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ..utils._precision import COMPUTE_DTYPES
from ..utils._saved_version import SavedVersionMixin
from ._batches import predict_in_batches
from ._fit_check import warn_if_not_fitted
from ._keras_fit import fit_keras_model
from ._lstm_model import OPTIMIZERS, TEMPORAL_POOLINGS, build_lstm_model
from ._seeding import seeded
from ._sequence_inputs import validate_sequences
from ._weights import video_weights


def _unpickle(cls, fitted):
    """A new, empty ``cls``, made when one is unpickled before its state is loaded. For a
    fitted one, the Keras layers its model uses are registered with Keras first."""
    if fitted:
        from . import _attention_layers, _hoisted_lstm  # noqa: F401 (registers their layers)
    return cls.__new__(cls)


class LSTMVideoClassifier(SavedVersionMixin, ClassifierMixin, BaseEstimator):
    """Classify videos from sequences of frame features with an LSTM and a dense layer.

    The classifier of Orozco et al.'s CNN-LSTM (Algorithm 2): an LSTM of ``n_units`` units
    reads the sequence of per-frame features of a video (VGG16 features in the paper, see
    ``VGG16FrameFeaturizer``) and a dense layer with one unit per class gives the class
    scores. It is trained with cross-entropy and RMSProp for 50 epochs in batches of 25.

    Parameters
    ----------
    n_units : int, default=360
        Number of LSTM units. 360 is the paper's best on KTH (320 on UCF-11, 400 on
        HMDB-51).
    epochs : int, default=50
        Number of passes over the training set.
    batch_size : int, default=25
        Number of videos per gradient update; also the batch size of prediction.
    optimizer : {"rmsprop", "adam", "adamw", "nadam", "adagrad", "sgd"}, default="rmsprop"
        Keras optimizer. The paper uses RMSProp.
    learning_rate : float, default=0.001
        Learning rate of the optimizer (0.001 is the Keras default for RMSProp, and the
        paper's). On raw VGG16 features of real frames (values in the hundreds) it can
        be too high for a few dozen videos: the training loss stays near the loss of
        guessing, and ``fit`` warns (``ConvergenceWarning``); a tenth of it then fits
        (27 clips of gestures). Where the paper's rate fits, a tenth of it generalized
        no better (videos panning over real clips). ``skactrec fit`` tries both.
    dropout : float, default=0.0
        Fraction of the LSTM's inputs dropped during training (0 in the paper).
    output_activation : {"softmax", "sigmoid"}, default="softmax"
        Activation of the dense output layer. See Notes.
    compute_dtype : {"float32", "bfloat16", "float16"}, default="float32"
        Type the LSTM computes in. ``"bfloat16"`` and ``"float16"`` are Keras's mixed
        precision with float32 weights: the input projection of the frames, nearly all
        the work, runs in that type, the recurrence and the output layer in float32.
        Faster on CPUs with AVX512-BF16 or AMX (``"bfloat16"``) and on GPUs with tensor
        cores (either). The paper computes in float32.
    temporal_pooling : {"last", "attention"}, default="last"
        What the dense layer reads. ``"last"``: the LSTM's last hidden state, the
        paper's model. ``"attention"``: every hidden state, weighted by a learned score
        per frame, softmaxed over the frames (the attention the paper names as future
        work; beyond the paper). Their weights are :meth:`frame_importances`.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn: ``{class: weight}``
        (classes left out weigh 1), or ``"balanced"``, ``n_videos / (n_classes *
        np.bincount(y))``, the same fit as ``sample_weight=compute_sample_weight(
        "balanced", y)``. Multiplied with ``fit``'s ``sample_weight``.
    validation_split : float, default=0.0
        Fraction of the training videos held out (the last ones, before shuffling, as in
        Keras) to report ``val_loss`` and ``val_accuracy`` in ``history_`` after each epoch.
    callbacks : list of keras.callbacks.Callback, default=None
        Keras callbacks for training, e.g. ``keras.callbacks.EarlyStopping``. They are
        deep-copied at each ``fit``, so the objects passed here are left untouched.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout and the shuffling of the training set. An int
        gives identical predictions from one fit to the next, also across processes, and
        whether ``X`` is an array or a memmap of the same values.
        None gives a different network at each fit.
    verbose : int, default=0
        Keras's verbosity during ``fit``: 0 prints nothing, 1 shows a progress bar per
        epoch, 2 prints one line per epoch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted; the columns of :meth:`predict_proba` follow this order.
    n_features_in_ : int
        Number of features of one frame (the last axis of ``X``) seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, set only when ``X`` was a 2-D pandas DataFrame with string
        column names.
    model_ : keras.Model
        The fitted Keras network (``LSTM`` then ``Dense``); the LSTM is a
        ``keras.layers.LSTM`` subclass that computes the same function faster (see
        Notes). Its input is ``(None, None, n_features_in_)``: any number of frames.
    history_ : dict of str to list of float
        Per-epoch training metrics: ``loss`` and ``accuracy``, plus ``val_loss`` and
        ``val_accuracy`` when ``validation_split > 0``.
    keras_classifier_ : scikeras.wrappers.KerasClassifier
        The scikeras estimator that built and compiled ``model_`` and that pickles it.

    See Also
    --------
    skactrec.predict_top_k : The k best classes of each video with their scores
        (the paper's figure 7).
    scikeras.wrappers.KerasClassifier : The wrapper used inside to build and pickle the
        model.

    Notes
    -----
    The network and training setup follow Algorithm 2 of Orozco et al., "Human Action
    Recognition in Videos using a Robust CNN LSTM Approach": ``LSTM(n_u)`` over a
    ``40 x 25088`` sequence of VGG16 features, ``Dense(n_c)``, cross-entropy, RMSProp,
    50 epochs, batch size 25.

    **Output activation.** Algorithm 2 writes ``activation='sigmoide'``, but each video
    has one action and the text minimises the cross-entropy: the default is
    ``"softmax"`` with categorical cross-entropy. ``"sigmoid"`` reproduces the paper
    literally (one sigmoid per class, binary cross-entropy on one-hot targets);
    :meth:`predict_proba` then divides each row by its sum (the ranking of the classes
    is unchanged).

    **Input shapes.** ``X`` is a 3-D array ``(n_videos, n_frames, n_features)``. The LSTM
    reads sequences of any length, so the number of frames may differ between ``fit`` and
    ``predict`` (all videos of one call share it); only ``n_features`` must match. A 2-D
    array ``(n_videos, n_features)`` is read as a sequence of *one* time step per video,
    e.g. features already pooled over a video.

    **Memory.** ``X`` may be larger than memory: a read-only ``np.memmap``, e.g.
    ``np.load("features.npy", mmap_mode="r")``, is read batch by batch and never copied
    whole, and so are float32 and float16 arrays (float16 halves the size of VGG16
    features); any other dtype is first converted to a float32 copy. Checking ``X`` for
    NaN and infinity reads it once more at each ``fit`` and ``predict``;
    ``sklearn.config_context(assume_finite=True)`` skips that pass. Fits one after the
    other in one process (a grid search) keep memory flat.

    **Speed.** The LSTM computes the function of ``keras.layers.LSTM`` with the same
    weights (``model_.get_layer("lstm")`` loads into a plain ``keras.layers.LSTM``), but
    projects every frame of a batch at once, nearly all the work at the paper's 25088
    features: about three times as fast as Keras's LSTM on a CPU, and faster than cuDNN's
    on a GPU.

    **Reproducibility.** With an int ``random_state``, ``fit`` seeds Python's ``random``,
    NumPy, Keras and TensorFlow and turns on TensorFlow's op determinism for its duration,
    then restores the caller's random states and setting. The generators are global to
    the process: seeded fits running at the same time in threads of one process are not
    reproducible; in separate processes (joblib's default backend) they are.

    Read more in the user guide: :ref:`paper`, :ref:`performance`, and how the
    classifier is built and trained, :ref:`internals`.

    Examples
    --------
    >>> import numpy as np
    >>> from skactrec import LSTMVideoClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(20, 5, 8))  # 20 videos, 5 frames, 8 features per frame
    >>> y = np.array(["boxing", "walking"] * 10)
    >>> clf = LSTMVideoClassifier(n_units=4, epochs=2, random_state=0).fit(X, y)
    >>> clf.classes_
    array(['boxing', 'walking'], dtype='<U7')
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    _parameter_constraints: dict = {
        "n_units": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "output_activation": [StrOptions({"softmax", "sigmoid"})],
        "compute_dtype": [StrOptions(set(COMPUTE_DTYPES))],
        "temporal_pooling": [StrOptions(set(TEMPORAL_POOLINGS))],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        n_units=360,
        epochs=50,
        batch_size=25,
        optimizer="rmsprop",
        learning_rate=0.001,
        dropout=0.0,
        output_activation="softmax",
        compute_dtype="float32",
        temporal_pooling="last",
        validation_split=0.0,
        class_weight=None,
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self.n_units = n_units
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.dropout = dropout
        self.output_activation = output_activation
        self.compute_dtype = compute_dtype
        self.temporal_pooling = temporal_pooling
        self.validation_split = validation_split
        self.class_weight = class_weight
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose

    def __reduce__(self):
        # `_unpickle` registers skactrec's Keras layers before the model is loaded.
        return (_unpickle, (type(self), hasattr(self, "model_")), self.__getstate__())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        # With an int random_state, fit is reproducible (seeds + TF op determinism).
        tags.non_deterministic = False
        return tags

    def _seed(self):
        """The int seed of this fit, or None (unseeded) when random_state is None."""
        if self.random_state is None:
            return None
        if isinstance(self.random_state, Integral):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the LSTM on sequences of frame features.

        Parameters
        ----------
        X : array-like of shape (n_videos, n_frames, n_features) or (n_videos, n_features)
            Frame features of each video. A 2-D array is a sequence of one step per video.
            A float32 or float16 array, np.memmap included, is read batch by batch
            without being copied.
        y : array-like of shape (n_videos,)
            Class of each video (ints, strings...). At least two classes are needed.
        sample_weight : array-like of shape (n_videos,), default=None
            Weight of each video in the loss (non-negative, not all zero); None weighs
            each video 1. In a Pipeline: ``lstmvideoclassifier__sample_weight``.

        Returns
        -------
        self : LSTMVideoClassifier
            The fitted estimator.
        """
        if y is None:
            raise ValueError(
                f"This {self.__class__.__name__} estimator requires y to be passed, "
                "but the target y is None."
            )
        X, y = validate_sequences(self, X, y, reset=True)
        check_classification_targets(y)
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(
                f"{self.__class__.__name__} needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {self.classes_.tolist()[0]!r}."
            )
        # One-hot targets (the paper's "y train of size #samples x nc").
        Y = np.eye(n_classes, dtype=np.float32)[y_encoded]
        weights = video_weights(sample_weight, self.class_weight, X, y, self.classes_)

        seed = self._seed()
        if seed is None:
            self._fit_keras(X, Y, weights, seed)
        else:
            with seeded(seed):
                self._fit_keras(X, Y, weights, seed)
        warn_if_not_fitted(self, Y, weights)
        return self

    def _fit_keras(self, X, Y, weights, seed):
        """Build the Keras model and train it on X; set the Keras attributes."""
        build = functools.partial(
            build_lstm_model,
            n_features=self.n_features_in_,
            n_classes=Y.shape[1],
            n_units=self.n_units,
            dropout=self.dropout,
            output_activation=self.output_activation,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            compute_dtype=self.compute_dtype,
            temporal_pooling=self.temporal_pooling,
            seed=seed,
        )
        self.keras_classifier_, self.history_ = fit_keras_model(
            build, X, Y, weights,
            n_input_weights=self.n_features_in_ * self.n_units,
            epochs=self.epochs,
            batch_size=self.batch_size,
            validation_split=self.validation_split,
            callbacks=self.callbacks or [],
            verbose=self.verbose,
            seed=seed,
        )
        self.model_ = self.keras_classifier_.model_

    def predict_proba(self, X):
        """Probability of each class for each video.

        Parameters
        ----------
        X : array-like of shape (n_videos, n_frames, n_features) or (n_videos, n_features)
            Frame features of each video; ``n_frames`` may differ from the one seen in fit.

        Returns
        -------
        proba : ndarray of shape (n_videos, n_classes)
            Class probabilities, columns in the order of ``classes_``; each row sums to 1.
        """
        check_is_fitted(self)
        X, _ = validate_sequences(self, X, reset=False)
        scores = predict_in_batches(self.model_, X, (len(self.classes_),), self.batch_size)
        totals = scores.sum(axis=1, keepdims=True)
        # Softmax rows already sum to 1 (up to float32 rounding); sigmoid rows do not.
        # A row of sigmoids that all underflowed to 0 becomes uniform.
        n_classes = scores.shape[1]
        return np.divide(
            scores, totals, out=np.full_like(scores, 1.0 / n_classes), where=totals > 0
        )

    def _has_attention(self):
        if self.temporal_pooling != "attention":
            raise AttributeError(
                "frame_importances is available with temporal_pooling='attention' only; this "
                f"{type(self).__name__} reads the LSTM's last hidden state "
                f"(temporal_pooling={self.temporal_pooling!r}), which weighs no frame.")
        return True

    @available_if(_has_attention)
    def frame_importances(self, X):
        """The attention weight of each frame of each video: what the classifier read.

        Available with ``temporal_pooling="attention"``. In a Pipeline of a featurizer
        and this classifier: ``pipe[-1].frame_importances(pipe[:-1].transform(videos))``.

        Parameters
        ----------
        X : array-like of shape (n_videos, n_frames, n_features)
            Frame features of each video; ``n_frames`` may differ from the one seen in fit.

        Returns
        -------
        importances : ndarray of shape (n_videos, n_frames)
            Each row sums to 1: the weights of the frames' hidden states in the state the
            dense layer classifies.

        Examples
        --------
        >>> import numpy as np
        >>> from skactrec import LSTMVideoClassifier
        >>> X = np.random.RandomState(0).normal(size=(6, 5, 3))
        >>> clf = LSTMVideoClassifier(n_units=4, epochs=1, temporal_pooling="attention",
        ...                           random_state=0).fit(X, [0, 1] * 3)
        >>> importances = clf.frame_importances(X)
        >>> importances.shape
        (6, 5)
        >>> bool(np.allclose(importances.sum(axis=1), 1))
        True
        """
        import keras

        check_is_fitted(self)
        X, _ = validate_sequences(self, X, reset=False)
        weights = keras.Model(self.model_.input,
                              self.model_.get_layer("attention_weights").output)
        return predict_in_batches(weights, X, (X.shape[1],), self.batch_size)

    def predict(self, X):
        """Most probable class of each video.

        Parameters
        ----------
        X : array-like of shape (n_videos, n_frames, n_features) or (n_videos, n_features)
            Frame features of each video.

        Returns
        -------
        y_pred : ndarray of shape (n_videos,)
            Predicted class labels, taken from ``classes_`` (ties go to the first class).
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
