"""What one call of LSTMVideoClassifier's ``fit`` or ``partial_fit`` does: which classes, which
network (a new one, or the fitted one continued), which videos train and which validate,
then the seeded training and the fitted attributes."""

import contextlib
import functools
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets

from ._early_stopping import ValidationStopper, stratified_validation
from ._fit_check import warn_if_not_fitted
from ._fused_rmsprop import install_fused_rmsprop
from ._input_product import choose_input_product
from ._keras_build import build_keras_classifier
from ._lstm_model import build_lstm_model
from ._seeding import seeded
from ._sequence_inputs import validate_sequences
from ._training import keras_validation_split, train
from ._weights import video_weights

# The parameters that shape the network: a fit that continues one needs them unchanged.
NETWORK_PARAMETERS = ("n_units", "dropout", "output_activation", "compute_dtype",
                      "temporal_pooling", "optimizer")


def fit_classifier(estimator, X, y, sample_weight, *, incremental, classes=None):
    """Fit ``estimator`` on ``X, y``: ``estimator.epochs`` epochs, or one when
    ``incremental`` (``partial_fit``), continuing its network when it has one and either
    ``incremental`` or ``warm_start`` asks to."""
    if y is None:
        raise ValueError(
            f"This {type(estimator).__name__} estimator requires y to be passed, "
            "but the target y is None.")
    continuing = hasattr(estimator, "model_") and (incremental or estimator.warm_start)
    if incremental and estimator.early_stopping:
        raise ValueError("partial_fit does not support early_stopping=True: it trains one "
                         "epoch per call, with no held-out videos to stop on.")
    if estimator.early_stopping and estimator.validation_split:
        raise ValueError(
            "early_stopping holds out validation_fraction of the videos (stratified); "
            f"validation_split={estimator.validation_split} would hold out others: set "
            "validation_split=0.0, or early_stopping=False.")
    X, y = validate_sequences(estimator, X, y, reset=not continuing)
    check_classification_targets(y)
    if continuing:
        _check_network_unchanged(estimator)
        y_encoded = _encode_continued(estimator, y, incremental)
    else:
        y_encoded = _set_classes(estimator, y, classes if incremental else None)
    Y = np.eye(len(estimator.classes_), dtype=np.float32)[y_encoded]
    weights = video_weights(sample_weight, estimator.class_weight, X, y, estimator.classes_)

    seed = _seed(estimator.random_state)
    with contextlib.nullcontext() if seed is None else seeded(seed):
        history, stopper = _train(estimator, X, Y, y, weights, seed, continuing, incremental)
    _set_fitted_attributes(estimator, history, stopper, continuing)
    if not incremental:
        warn_if_not_fitted(estimator, Y, weights)
    return estimator


def _seed(random_state):
    """The int seed of a fit, or None (unseeded) when random_state is None."""
    if random_state is None:
        return None
    if isinstance(random_state, Integral):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _set_classes(estimator, y, classes):
    """Set ``classes_`` (from ``classes`` when given, else from ``y``), once ``y`` is known
    to fit them; ``y``'s codes."""
    found = np.unique(y if classes is None else np.asarray(classes))
    if len(found) < 2:
        raise ValueError(
            f"{type(estimator).__name__} needs samples of at least 2 classes in the data, "
            f"but the data contains only one class: {found.tolist()[0]!r}.")
    codes = _encode(found, y, "classes")
    estimator.classes_ = found
    return codes


def _encode_continued(estimator, y, incremental):
    """``y``'s codes in the fitted ``classes_``; a continued ``fit`` needs the same
    classes (as scikit-learn's ``warm_start``), ``partial_fit`` some of them."""
    if not incremental and set(np.unique(y).tolist()) != set(estimator.classes_.tolist()):
        raise ValueError(
            "warm_start continues the fitted network, which needs y to have the classes "
            f"it was fitted on: {estimator.classes_.tolist()!r}; y has "
            f"{np.unique(y).tolist()!r}. Set warm_start=False to fit a new network.")
    return _encode(estimator.classes_, y, "classes_")


def _encode(classes, y, name):
    unknown = np.setdiff1d(np.unique(y), classes)
    if len(unknown):
        raise ValueError(f"y has classes that are not in {name}: {unknown.tolist()!r}; "
                         f"{name} is {classes.tolist()!r}.")
    return np.searchsorted(classes, y)


def _check_network_unchanged(estimator):
    built = estimator._network_parameters
    changed = [name for name in NETWORK_PARAMETERS if getattr(estimator, name) != built[name]]
    if changed:
        name = changed[0]
        raise ValueError(
            f"{name} changed from {built[name]!r} to {getattr(estimator, name)!r} since the "
            "network was built, and a continued fit (warm_start=True or partial_fit) trains "
            "the same network: set it back, or set warm_start=False to fit a new network.")


def _train(estimator, X, Y, y, weights, seed, continuing, incremental):
    """Build (unless continuing) and train the network; ``(history, stopper)``."""
    from ._hoisted_lstm import use_input_product

    input_product, density = choose_input_product(
        estimator.input_product, X, estimator.n_units, estimator.compute_dtype)
    if not continuing:
        _build(estimator, X, Y, seed)
    model = estimator.model_
    use_input_product(model, input_product)
    estimator.input_product_, estimator.input_density_ = input_product, density
    model.optimizer.learning_rate.assign(estimator.learning_rate)
    stopper = None
    if estimator.early_stopping:
        train_index, validation_index = stratified_validation(
            y, estimator.validation_fraction, np.random.RandomState(seed))
        stopper = ValidationStopper(estimator.n_iter_no_change, estimator.tol)
    else:
        train_index, validation_index = keras_validation_split(
            len(Y), estimator.validation_split)
    if seed is not None:
        shuffle_seed = seed
    elif continuing:  # the stream an unseeded network started with
        shuffle_seed = estimator._shuffle_seed
    else:
        shuffle_seed = int(np.random.SeedSequence().entropy)
    estimator._shuffle_seed = shuffle_seed
    history = train(
        model, X, Y, weights,
        train_index=train_index, validation_index=validation_index,
        batch_size=estimator.batch_size,
        epochs=1 if incremental else estimator.epochs,
        callbacks=estimator.callbacks or [],
        verbose=estimator.verbose,
        shuffle_seed=shuffle_seed,
        first_epoch=estimator.n_iter_ if continuing else 0,
        stopper=stopper,
    )
    if stopper is not None:
        stopper.restore_best(model)
    return history, stopper


def _build(estimator, X, Y, seed):
    build = functools.partial(
        build_lstm_model,
        n_features=estimator.n_features_in_,
        n_classes=Y.shape[1],
        n_units=estimator.n_units,
        dropout=estimator.dropout,
        output_activation=estimator.output_activation,
        optimizer=estimator.optimizer,
        learning_rate=estimator.learning_rate,
        compute_dtype=estimator.compute_dtype,
        temporal_pooling=estimator.temporal_pooling,
        seed=seed,
    )
    estimator.keras_classifier_ = build_keras_classifier(
        build, X, Y, n_input_weights=estimator.n_features_in_ * estimator.n_units,
        epochs=estimator.epochs, batch_size=estimator.batch_size, verbose=estimator.verbose)
    estimator.model_ = estimator.keras_classifier_.model_
    install_fused_rmsprop(estimator.model_)  # continued fits reuse one traced train step
    estimator._network_parameters = {name: getattr(estimator, name)
                                     for name in NETWORK_PARAMETERS}


def _set_fitted_attributes(estimator, history, stopper, continuing):
    if continuing:
        for name, values in history.items():
            estimator.history_.setdefault(name, []).extend(values)
    else:
        estimator.history_ = history
    estimator.loss_curve_ = estimator.history_["loss"]
    estimator.n_iter_ = len(estimator.loss_curve_)
    if stopper is None:
        estimator.validation_scores_ = estimator.best_validation_score_ = None
        estimator.best_loss_ = float(np.min(estimator.loss_curve_))
    else:
        estimator.validation_scores_ = stopper.scores
        estimator.best_validation_score_ = stopper.best_score
        estimator.best_loss_ = None
