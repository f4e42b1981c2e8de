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

Beyond Keras's ``fit``: a ``keras.callbacks.BackupAndRestore`` among the callbacks is run
by the loop itself (:mod:`._backup`), so that a resumed fit continues exactly where the
backup was taken; Ctrl-C stops after the current batch (:mod:`._interrupt`); early stopping
on a validation score is :mod:`._early_stopping`.

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
import dataclasses

import numpy as np

from ._backup import TrainingBackup
from ._batches import read_ahead
from ._fused_rmsprop import fused_rmsprop_updates
from ._interrupt import TrainingInterrupted, stop_after_batch_on_ctrl_c
from ._training_progress import EpochMetrics, Progress


def keras_validation_split(n_samples, validation_split):
    """``(train_index, validation_index)`` as Keras's ``validation_split``: the last
    ``validation_split`` fraction of the samples is held out."""
    split_at = int(np.floor(n_samples * (1.0 - validation_split)))
    if validation_split and (split_at == 0 or split_at == n_samples):
        raise ValueError(
            f"Training data contains {n_samples} samples, which is not sufficient to split "
            "it into a validation and training set as specified by "
            f"`validation_split={validation_split}`. Either provide more data, or a "
            "different value for the `validation_split` argument."
        )
    return np.arange(split_at), np.arange(split_at, n_samples)


def split_batches(train_index, validation_index, batch_size, epochs, shuffle_seed,
                  first_epoch=0):
    """The index batches of training, all epochs one after the other, and of validation.

    The training samples are shuffled at each epoch, epoch ``e`` (counted from the first
    epoch the network ever trained, ``first_epoch`` being this run's first) by NumPy's
    generator seeded with ``(shuffle_seed, e)``: a fit of 5 epochs shuffles as a fit of 3
    continued for 2. ``shuffle_seed=None`` keeps the samples in order. Index arrays are
    sorted, so that a memmap is read in file order.
    """
    train_index = np.asarray(train_index)
    n_train = len(train_index)
    train = []
    for epoch in range(first_epoch, first_epoch + epochs):
        order = train_index if shuffle_seed is None else train_index[
            np.random.default_rng([shuffle_seed, epoch]).permutation(n_train)]
        train += [np.sort(order[i : i + batch_size]) for i in range(0, n_train, batch_size)]
    validation_index = np.sort(validation_index)
    validation = [validation_index[i : i + batch_size]
                  for i in range(0, len(validation_index), batch_size)]
    return train, validation


def train(model, X, Y, sample_weight, *, train_index, validation_index, batch_size, epochs,
          callbacks, verbose, shuffle_seed, first_epoch=0, stopper=None):
    """Train the compiled Keras ``model`` on ``X[train_index]`` and one-hot ``Y``, as
    ``model.fit`` with shuffling would; return the history, a dict of per-epoch metric lists.

    ``validation_index`` (may be empty) are the videos of the ``val_`` metrics.
    ``sample_weight`` (None or one weight per video) weighs each video in the loss and
    the metrics, the validation videos' included, as in Keras's ``fit``. ``stopper`` (an
    :class:`._early_stopping.ValidationStopper` or None) may end training after an epoch.

    ``X`` is read one batch at a time (a memmap is never loaded whole); the videos are
    shuffled at each epoch as :func:`split_batches` says, epochs counted from
    ``first_epoch`` (the epochs the network trained before). ``callbacks`` are deep-copied; a
    ``BackupAndRestore`` among them restores the run where its backup left it.
    Ctrl-C stops after the current batch, keeps the backup and raises KeyboardInterrupt.
    """
    import keras

    _single_replica_gradients(model.optimizer)
    callbacks = copy.deepcopy(callbacks)
    steps = -(-len(train_index) // batch_size)
    backup = TrainingBackup.among(callbacks, model, len(train_index), steps)
    callback_list = keras.callbacks.CallbackList(
        [c for c in callbacks if backup is None or c is not backup.callback],
        add_history=True, add_progbar=verbose != 0,
        model=model, verbose=verbose, epochs=epochs, steps=steps,
    )
    progress = Progress()
    if backup is not None:
        # An unseeded run resumes with the shuffling of the run it continues.
        progress, shuffle_seed = backup.restore(stopper, shuffle_seed)
    train_batches, validation_batches = split_batches(
        train_index, validation_index, batch_size, epochs, shuffle_seed, first_epoch)
    model.stop_training = False
    callback_list.on_train_begin()
    loop = _Loop(model, X, Y, sample_weight, train_batches, validation_batches, steps,
                 callback_list, backup, stopper)
    try:
        try:
            with fused_rmsprop_updates(model), stop_after_batch_on_ctrl_c() as ctrl_c:
                loop.run(progress, epochs, ctrl_c)
        finally:
            if backup is not None:
                backup.close()  # the snapshot in flight written, whatever ended the run
    except TrainingInterrupted:
        raise KeyboardInterrupt(TrainingInterrupted.message(
            progress, epochs, steps, backup)) from None
    epoch_logs = {name: values[-1] for name, values in progress.history.items()}
    callback_list.on_train_end(epoch_logs)
    if backup is not None:
        backup.finish()
    return progress.history


def _batch_weights(sample_weight, index):
    return None if sample_weight is None else sample_weight[index]


@dataclasses.dataclass
class _Loop:
    """The epochs of :func:`train`, ``steps`` batches each."""

    model: object
    X: object
    Y: object
    sample_weight: object
    train_batches: list
    validation_batches: list
    steps: int
    callbacks: object
    backup: object
    stopper: object

    def run(self, progress, epochs, ctrl_c):
        first = progress.epoch * self.steps + progress.step
        prepare = _sparse_preparation(self.model)
        batches = read_ahead(self.X, self.Y, self.train_batches[first:], prepare=prepare)
        try:
            while progress.epoch < epochs and not progress.stopped:
                self._epoch(progress, batches, ctrl_c)
        finally:
            batches.close()  # ends the read-ahead thread when training stopped early
            if prepare is not None:
                prepare.close()

    def _epoch(self, progress, batches, ctrl_c):
        model, epoch = self.model, progress.epoch
        self.callbacks.on_epoch_begin(epoch)
        while progress.step < self.steps:
            step = progress.step
            self.callbacks.on_train_batch_begin(step)
            x, y = next(batches)
            index = self.train_batches[epoch * self.steps + step]
            logs = model.train_on_batch(x, y, sample_weight=_batch_weights(
                self.sample_weight, index), return_dict=True)
            progress.metrics.add(logs, len(x))
            progress.step += 1
            self.callbacks.on_train_batch_end(step, logs)
            if self.backup is not None and self.backup.due_after_batch():
                self.backup.save(model, progress, self.stopper)
            if model.stop_training:
                break
            if ctrl_c.pressed:
                raise TrainingInterrupted
        epoch_logs = progress.metrics.result()
        if self.validation_batches:
            validation_logs, score = self._evaluate()
            epoch_logs.update(validation_logs)
            if self.stopper is not None and self.stopper.update(model, score):
                model.stop_training = True
        progress.end_epoch(epoch_logs)
        self.callbacks.on_epoch_end(epoch, epoch_logs)
        progress.stopped = bool(model.stop_training)
        if self.backup is not None and self.backup.due_after_epoch():
            self.backup.save(model, progress, self.stopper)
        if ctrl_c.pressed:
            raise TrainingInterrupted

    def _evaluate(self):
        """The ``val_`` metrics of the model on the validation batches, and its accuracy
        there with each video counting by its weight (Keras's ``val_accuracy`` counts each
        video once; with early stopping and weights the forward pass runs once more)."""
        metrics = EpochMetrics()
        weighted = self.sample_weight is not None and self.stopper is not None
        right = total = 0.0
        for (x, y), index in zip(read_ahead(self.X, self.Y, self.validation_batches),
                                 self.validation_batches, strict=True):
            weights = _batch_weights(self.sample_weight, index)
            logs = self.model.test_on_batch(x, y, sample_weight=weights, return_dict=True)
            metrics.add(logs, len(x))
            if weighted:
                hits = np.argmax(self.model.predict_on_batch(x), 1) == np.argmax(y, 1)
                right, total = right + weights @ hits, total + weights.sum()
        logs = metrics.result(prefix="val_")
        return logs, (right / total if weighted and total else logs["val_accuracy"])


def _sparse_preparation(model):
    """What converts each training batch to the sparse product's columns ahead, in the
    read-ahead thread (a tenth of a step at the paper's size), where the model's LSTM runs
    that product on its frames as they are read (no dropout); else None."""
    try:
        lstm = model.get_layer("lstm")
    except ValueError:
        return None
    if getattr(lstm, "input_product", "dense") != "sparse" or lstm.dropout:
        return None
    from ._sparse_kernels import ColumnsAhead

    return ColumnsAhead()


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
