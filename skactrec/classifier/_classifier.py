"""LSTMVideoClassifier: the LSTM + dense head of Orozco et al.'s CNN-LSTM, as an sklearn classifier.

A fit is :func:`._fitting.fit_classifier`: the classes, a new network or the fitted one
continued, the held-out videos and the seeding; the Keras model is built through scikeras
(why inside rather than as a base class: :mod:`._keras_build`) and trained batch by batch
by :mod:`._training`. Prediction calls ``model_`` eagerly,
batch by batch (:func:`._batches.predict_in_batches`): scikeras's ``predict_proba`` requires
``X.shape[1:]`` to equal the training shape, which would fix the number of frames, and
``model.predict`` traces a graph per input shape. A fitted model holds skactrec's Keras
layers, which Keras loads only once they are registered: ``__reduce__`` unpickles through
:func:`_unpickle`, which imports them first. TensorFlow, Keras and scikeras are imported in
``fit`` and ``predict_proba`` only. The whole story: the user guide's "How skactrec works".
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ..utils._precision import COMPUTE_DTYPES
from ..utils._saved_version import SavedVersionMixin
from ._batches import predict_in_batches
from ._fitting import fit_classifier
from ._input_product import INPUT_PRODUCTS
from ._lstm_model import OPTIMIZERS, TEMPORAL_POOLINGS
from ._sequence_inputs import validate_sequences


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
    input_product : {"auto", "dense", "sparse"}, default="auto"
        How the LSTM multiplies the frames' features by its input kernel, nearly all the
        work. ``"dense"``: one matrix product. ``"sparse"``: from the features' nonzeros
        only, the same function (up to float32 rounding) in about a tenth of the
        multiplications on mostly-zero features such as VGG16's ``block5_pool`` of real
        frames (about 90% zeros); float32 on the CPU with TensorFlow only.
        ``"auto"``: ``"sparse"`` where the features measured at ``fit`` have at most
        15% of nonzeros and the projection is big enough to matter (the paper's is), in
        float32 on a CPU; ``"dense"`` otherwise. The choice is ``input_product_``;
        prediction uses it too.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn: ``{class: weight}``
        (classes left out weigh 1), or ``"balanced"``, ``n_videos / (n_classes *
        np.bincount(y))``, the same fit as ``sample_weight=compute_sample_weight(
        "balanced", y)``. Multiplied with ``fit``'s ``sample_weight``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training videos (stratified, drawn by
        ``random_state``), stop when their accuracy has not improved by at least ``tol``
        for ``n_iter_no_change`` epochs in a row, and keep the weights of the best epoch
        (scikit-learn's ``MLPClassifier``'s names and rule). ``history_`` then has
        ``val_loss`` and ``val_accuracy``. Off, every one of ``epochs`` runs (the paper's
        recipe; unlike ``MLPClassifier``, a plateau of the training loss stops nothing).
    validation_fraction : float, default=0.1
        Share of the training videos held out by ``early_stopping``, in (0, 1); it must
        leave a video of each class on either side.
    n_iter_no_change : int, default=10
        Epochs without an improvement of the validation accuracy after which
        ``early_stopping`` stops.
    tol : float, default=1e-4
        Smallest rise of the validation accuracy that counts as an improvement.
    validation_split : float, default=0.0
        Keras's way of holding out videos: the last ``validation_split`` of them (before
        shuffling), to report ``val_loss`` and ``val_accuracy`` in ``history_`` after each
        epoch, e.g. for a ``keras.callbacks.EarlyStopping`` in ``callbacks``. Exclusive
        with ``early_stopping``, which holds out a stratified share instead.
    warm_start : bool, default=False
        When True, ``fit`` continues training the fitted network (its weights and the
        optimizer's state) for ``epochs`` more epochs, as Keras's ``fit`` called again;
        ``y`` must have the same classes, and the parameters that shape the network
        (``n_units``, ``dropout``, ``output_activation``, ``compute_dtype``,
        ``temporal_pooling``, ``optimizer``) must be unchanged. ``learning_rate`` may
        change. When False, each ``fit`` builds a new network.
    callbacks : list of keras.callbacks.Callback, default=None
        Keras callbacks for training, e.g. ``keras.callbacks.EarlyStopping``. They are
        deep-copied at each ``fit``, so the objects passed here are left untouched. A
        ``keras.callbacks.BackupAndRestore(backup_dir)`` makes a fit resumable: a fit
        killed or stopped with Ctrl-C, run again with the same data and parameters,
        trains only what was left and ends as the uninterrupted fit would, the shuffling,
        the optimizer's state and dropout's seeds restored with the weights.
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
    input_product_ : {"dense", "sparse"}
        The input projection the last fit ran (see ``input_product``), and prediction runs.
    input_density_ : float
        The share of nonzero features the last fit measured (on up to 16 of its videos).
    history_ : dict of str to list of float
        Per-epoch training metrics: ``loss`` and ``accuracy``, plus ``val_loss`` and
        ``val_accuracy`` with ``early_stopping`` or ``validation_split > 0``. Continued
        fits (``warm_start``, :meth:`partial_fit`) add their epochs to it.
    n_iter_ : int
        Epochs the network was trained, continued fits included.
    loss_curve_ : list of float
        The training loss of each epoch, ``history_["loss"]``.
    best_loss_ : float or None
        The lowest training loss; None with ``early_stopping`` (see
        ``best_validation_score_``).
    validation_scores_ : list of float or None
        The accuracy on the held-out videos after each epoch of the last fit, with
        ``early_stopping`` (each video counting by its weight); None otherwise.
    best_validation_score_ : float or None
        The best of ``validation_scores_``: that epoch's weights are the model's. None
        without ``early_stopping``.
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
    on a GPU. On features that are mostly zeros (ImageNet's ``block5_pool`` of real
    frames), ``input_product="auto"`` computes that projection from the nonzeros only.

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
        "input_product": [StrOptions(set(INPUT_PRODUCTS))],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "warm_start": ["boolean"],
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
        input_product="auto",
        class_weight=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        validation_split=0.0,
        warm_start=False,
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
        self.input_product = input_product
        self.class_weight = class_weight
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.validation_split = validation_split
        self.warm_start = warm_start
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
        return fit_classifier(self, X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on ``X, y``, continuing the fitted network.

        The first call builds the network, and needs ``classes``: every class that any
        call will see. Each call runs one pass over ``X`` in shuffled batches, as one
        epoch of ``fit``, with the optimizer's state carried over from the previous call.
        Use it to train on more videos than a fit can see at once, or to watch the
        model between epochs. ``early_stopping`` is not supported here.

        Parameters
        ----------
        X : array-like of shape (n_videos, n_frames, n_features) or (n_videos, n_features)
            Frame features of each video.
        y : array-like of shape (n_videos,)
            Class of each video: classes named in the first call's ``classes``.
        classes : array-like of shape (n_classes,), default=None
            All the classes; required on the first call, ignored (if equal) afterwards.
        sample_weight : array-like of shape (n_videos,), default=None
            Weight of each video in the loss, as in :meth:`fit`.

        Returns
        -------
        self : LSTMVideoClassifier
            The estimator, trained one more epoch.

        Examples
        --------
        >>> import numpy as np
        >>> from skactrec import LSTMVideoClassifier
        >>> X = np.random.RandomState(0).normal(size=(8, 5, 3))
        >>> y = np.array([0, 1] * 4)
        >>> clf = LSTMVideoClassifier(n_units=4, random_state=0)
        >>> for epoch in range(3):
        ...     clf = clf.partial_fit(X, y, classes=[0, 1])
        >>> clf.n_iter_
        3
        """
        first_call = not hasattr(self, "model_")
        if first_call and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit: "
                             "every class the calls will see.")
        if not first_call and classes is not None and not np.array_equal(
                np.unique(classes), self.classes_):
            raise ValueError(f"classes={np.unique(classes).tolist()!r} is not the same as on "
                             f"the first call to partial_fit: {self.classes_.tolist()!r}.")
        return fit_classifier(self, X, y, sample_weight, incremental=True, classes=classes)

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
        self._use_fitted_input_product()
        scores = predict_in_batches(self.model_, X, (len(self.classes_),), self.batch_size)
        totals = scores.sum(axis=1, keepdims=True)
        # Softmax rows already sum to 1 (up to float32 rounding); sigmoid rows do not.
        # A row of sigmoids that all underflowed to 0 becomes uniform.
        n_classes = scores.shape[1]
        return np.divide(
            scores, totals, out=np.full_like(scores, 1.0 / n_classes), where=totals > 0
        )

    def _use_fitted_input_product(self):
        # An unpickled model's LSTM computes dense; models fitted before input_product did.
        from ._hoisted_lstm import use_input_product

        use_input_product(self.model_, getattr(self, "input_product_", "dense"))

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
        self._use_fitted_input_product()
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
