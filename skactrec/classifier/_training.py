"""The training loop of LSTMVideoClassifier: Keras's ``fit``, batch by batch from an array.

Keras's ``model.fit`` on an array copies it whole into a TensorFlow tensor, and on a
``PyDataset`` it runs a ``tf.data`` generator pipeline whose Python functions TensorFlow
registers for the life of the process, each holding the dataset, hence X. Here each batch
is gathered from X (an array or a memmap) by a read-ahead thread while the previous one
trains (:mod:`._batches`), and handed to ``model.train_on_batch``, the same compiled train
step that ``fit`` runs, with RMSProp's update compiled in place (:mod:`._fused_rmsprop`).
The callbacks see what ``fit`` would show them: epochs, batches, the epoch's metrics
averaged over its samples, ``val_`` metrics, and ``model.stop_training``. Keras is
imported by the caller.

Nothing of a fit outlives it: 50 fits in one process leave RSS flat. Keras's TensorFlow
optimizer sums the gradients across replicas with ``ReplicaContext.all_reduce``, also
when there is one replica. That is a ``tf.custom_gradient``, which, each time the train
step is traced, registers its gradient function in TensorFlow's global gradient registry
for the rest of the process; the function holds the traced graph, and the graph holds the
model's variables and the optimizer's slots (at the paper's size 0.29 GB per fit with
RMSProp). With one replica the sum is the identity, so :func:`_single_replica_gradients`
skips it.
"""

import copy

import numpy as np

from ._batches import read_ahead
from ._fused_rmsprop import fused_rmsprop_updates


def split_batches(n_samples, batch_size, epochs, validation_split, rng):
    """The index batches of training, all epochs one after the other, and of validation.

    As Keras's ``validation_split``: the last ``validation_split`` fraction of the samples
    (before shuffling) is held out; the training samples are shuffled at each epoch. Index
    arrays are sorted, so that a memmap is read in file order.
    """
    split_at = int(np.floor(n_samples * (1.0 - validation_split)))
    if validation_split and (split_at == 0 or split_at == n_samples):
        raise ValueError(
            f"Training data contains {n_samples} samples, which is not sufficient to split "
            "it into a validation and training set as specified by "
            f"`validation_split={validation_split}`. Either provide more data, or a "
            "different value for the `validation_split` argument."
        )
    train = []
    for _ in range(epochs):
        order = rng.permutation(split_at)
        train += [np.sort(order[i : i + batch_size]) for i in range(0, split_at, batch_size)]
    validation = [
        np.arange(i, min(i + batch_size, n_samples))
        for i in range(split_at, n_samples, batch_size)
    ]
    return train, validation


class _EpochMetrics:
    """Metrics of an epoch: each batch's metrics averaged, weighted by the batch's size, as
    Keras's ``fit`` reports them."""

    def __init__(self):
        self.totals, self.count = {}, 0

    def add(self, logs, n):
        for name, value in logs.items():
            self.totals[name] = self.totals.get(name, 0.0) + float(value) * n
        self.count += n

    def result(self, prefix=""):
        return {prefix + name: total / self.count for name, total in self.totals.items()}


def train(model, X, Y, sample_weight, *, batch_size, epochs, validation_split, callbacks,
          verbose, rng):
    """Train the compiled Keras ``model`` on ``X`` and one-hot ``Y``, as ``model.fit`` with
    shuffling would; return the history, a dict of per-epoch metric lists.

    ``sample_weight`` (None or one weight per video) weighs each video in the loss and
    the metrics, the validation videos' included, as in Keras's ``fit``.

    ``X`` is read one batch at a time (a memmap is never loaded whole); ``rng`` (a NumPy
    Generator) shuffles the videos at each epoch. ``callbacks`` are deep-copied.
    """
    import keras

    _single_replica_gradients(model.optimizer)
    train_batches, validation_batches = split_batches(
        X.shape[0], batch_size, epochs, validation_split, rng
    )
    steps = len(train_batches) // epochs
    callback_list = keras.callbacks.CallbackList(
        copy.deepcopy(callbacks), add_history=True, add_progbar=verbose != 0,
        model=model, verbose=verbose, epochs=epochs, steps=steps,
    )
    model.stop_training = False
    callback_list.on_train_begin()
    with fused_rmsprop_updates(model):
        epoch_logs = _run_epochs(model, X, Y, sample_weight, train_batches,
                                 validation_batches, epochs, steps, callback_list)
    callback_list.on_train_end(epoch_logs)
    return {name: list(values) for name, values in model.history.history.items()}


def _batch_weights(sample_weight, index):
    return None if sample_weight is None else sample_weight[index]


def _run_epochs(model, X, Y, sample_weight, train_batches, validation_batches, epochs, steps,
                callback_list):
    """The epochs of :func:`train`, ``steps`` batches each; the last epoch's logs."""
    batches = read_ahead(X, Y, train_batches)
    epoch_logs = {}
    for epoch in range(epochs):
        callback_list.on_epoch_begin(epoch)
        metrics = _EpochMetrics()
        for step in range(steps):
            callback_list.on_train_batch_begin(step)
            x, y = next(batches)
            weights = _batch_weights(sample_weight, train_batches[epoch * steps + step])
            logs = model.train_on_batch(x, y, sample_weight=weights, return_dict=True)
            metrics.add(logs, len(x))
            callback_list.on_train_batch_end(step, logs)
            if model.stop_training:
                break
        epoch_logs = metrics.result()
        if validation_batches:
            epoch_logs.update(_evaluate(model, X, Y, sample_weight, validation_batches))
        callback_list.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    batches.close()  # ends the read-ahead thread when training stopped early
    return epoch_logs


def _evaluate(model, X, Y, sample_weight, index_batches):
    """The ``val_`` metrics of ``model`` on the validation batches."""
    metrics = _EpochMetrics()
    for (x, y), index in zip(read_ahead(X, Y, index_batches), index_batches, strict=True):
        logs = model.test_on_batch(x, y, sample_weight=_batch_weights(sample_weight, index),
                                   return_dict=True)
        metrics.add(logs, len(x))
    return metrics.result(prefix="val_")


def _single_replica_gradients(optimizer):
    """Make ``optimizer`` apply the gradients as they are when training runs on a single
    replica (no ``tf.distribute`` strategy), instead of through an all-reduce that leaks
    each traced train step's variables (see the module's docstring).

    Only this optimizer instance is changed; under a distribution strategy nothing is.
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        return
    import tensorflow as tf

    if tf.distribute.has_strategy():
        return
    for opt in (optimizer, getattr(optimizer, "inner_optimizer", None)):  # loss scaling
        if opt is not None and hasattr(opt, "_all_reduce_sum_gradients"):
            opt._all_reduce_sum_gradients = list
