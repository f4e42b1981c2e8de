"""``keras.callbacks.BackupAndRestore`` run by skactrec's training loop.

Keras's callback saves the model's weights with the optimizer's state and the epoch, and its
``fit`` resumes at the start of that epoch. The loop here saves, with them, everything else
a resumed run needs to end as the uninterrupted one would: where in the epoch it stands and
the epoch's metrics so far, the history, the seed that shuffles the videos, the states of
dropout's seed generators (which Keras's weights files leave out) and early stopping's best
epoch. The callback's ``backup_dir``, ``save_freq``, ``double_checkpoint`` and
``delete_checkpoint`` keep their meaning.

A backup is a folder ``snapshot-<n>`` in ``backup_dir`` (``state.json``, and ``arrays.npz``:
every variable of the model and of its optimizer, in their order) named by the file
``latest``; the folder is complete before ``latest`` names it, so a fit killed while saving
leaves the previous backup usable. The variables are copied at the save, and written by a
thread while training goes on (at the paper's size 280 MiB take about 2 s to write, half
an epoch of 100 videos); one snapshot at most is in flight, and training waits for it
before it ends, stops or raises.
"""

import json
import os
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ._training_progress import EpochMetrics, Progress

_LATEST = "latest"


class TrainingBackup:
    """Saves and restores one training run in the folder of a ``BackupAndRestore``."""

    def __init__(self, callback, model, n_train, steps):
        self.callback, self.model = callback, model
        self.directory = Path(callback.backup_dir)
        self.shape = {"n_train": int(n_train), "steps": int(steps)}
        self.shuffle_seed = None
        self.saved_at = "nothing yet"
        self._batches_since_save = 0
        self._writer = None  # the ThreadPoolExecutor writing snapshots, once there is one
        self._pending = None  # the snapshot being written

    @classmethod
    def among(cls, callbacks, model, n_train, steps):
        """The backup of the one ``BackupAndRestore`` in ``callbacks``, or None."""
        import keras

        found = [c for c in callbacks if isinstance(c, keras.callbacks.BackupAndRestore)]
        if len(found) > 1:
            raise ValueError("callbacks holds more than one keras.callbacks.BackupAndRestore: "
                             "a fit is backed up in one folder.")
        return cls(found[0], model, n_train, steps) if found else None

    def restore(self, stopper, shuffle_seed):
        """``(progress, shuffle_seed)`` of the run in the latest backup, the model and
        ``stopper`` restored with it; a new :class:`Progress` and ``shuffle_seed`` itself
        when there is none."""
        self.shuffle_seed = shuffle_seed
        snapshots = self._snapshots()
        for i, snapshot in enumerate(snapshots):
            try:
                return self._load(snapshot, stopper), self.shuffle_seed
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
                if i == len(snapshots) - 1 or not self.callback.double_checkpoint:
                    raise
        return Progress(), shuffle_seed

    def _load(self, snapshot, stopper):
        state = json.loads((snapshot / "state.json").read_text())
        if state["shape"] != self.shape:
            raise ValueError(
                f"The backup in {self.directory} was made by a fit of "
                f"{state['shape']['n_train']} training videos in {state['shape']['steps']} "
                f"batches per epoch; this fit has {self.shape['n_train']} in "
                f"{self.shape['steps']}. Resume with the same data and parameters, or give "
                "BackupAndRestore another backup_dir.")
        model = self.model
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        with np.load(snapshot / "arrays.npz") as arrays:
            values = _numbered(arrays, "variable")
            if stopper is not None:
                stopper.load_state(state["stopper"], _numbered(arrays, "best"))
        for variable, value in zip(_variables(model), values, strict=True):
            variable.assign(value)
        self.shuffle_seed = state["shuffle_seed"]
        progress = Progress(epoch=state["epoch"], step=state["step"],
                            metrics=EpochMetrics(**state["metrics"]), history=state["history"],
                            stopped=state["stopped"])
        self.saved_at = _where(progress)
        return progress

    def due_after_batch(self):
        if self.callback.save_freq == "epoch":
            return False
        self._batches_since_save += 1
        return self._batches_since_save >= self.callback.save_freq

    def due_after_epoch(self):
        return self.callback.save_freq == "epoch"

    def save(self, model, progress, stopper):
        """Back up the run as it stands (the model's variables and ``progress``): copied
        now, written by a thread."""
        self._batches_since_save = 0
        self.wait()
        stopper_state, best = stopper.state() if stopper is not None else ({}, [])
        arrays = {f"variable_{i}": np.array(v.numpy()) for i, v in enumerate(_variables(model))}
        arrays.update({f"best_{i}": w for i, w in enumerate(best)})
        state = {"shape": self.shape, "epoch": progress.epoch, "step": progress.step,
                 "metrics": {"totals": dict(progress.metrics.totals),
                             "count": progress.metrics.count},
                 "history": {k: list(v) for k, v in progress.history.items()},
                 "stopped": progress.stopped, "shuffle_seed": self.shuffle_seed,
                 "stopper": stopper_state}
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="skactrec-backup")
        self._pending = self._writer.submit(self._write, arrays, state, _where(progress))

    def wait(self):
        """Wait until the snapshot in flight, if any, is written (raising its error)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self):
        """Wait for the snapshot in flight; stop the writing thread."""
        try:
            self.wait()
        finally:
            if self._writer is not None:
                self._writer.shutdown()
                self._writer = None

    def _write(self, arrays, state, where):
        self.directory.mkdir(parents=True, exist_ok=True)
        snapshots = self._snapshots()
        number = 1 + max((int(s.name.split("-")[1]) for s in snapshots), default=0)
        snapshot = self.directory / f"snapshot-{number:06d}"
        partial = snapshot.with_name(snapshot.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        np.savez(partial / "arrays.npz", **arrays)
        (partial / "state.json").write_text(json.dumps(state))
        partial.rename(snapshot)
        latest = self.directory / (_LATEST + ".partial")
        latest.write_text(snapshot.name)
        os.replace(latest, self.directory / _LATEST)
        keep = 2 if self.callback.double_checkpoint else 1
        for old in snapshots[keep - 1:]:
            shutil.rmtree(old, ignore_errors=True)
        self.saved_at = where

    def finish(self):
        """After a completed run: delete the backup unless the callback keeps it."""
        self.close()
        if self.callback.delete_checkpoint:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _snapshots(self):
        """The complete snapshots, newest first (the one ``latest`` names first)."""
        if not self.directory.is_dir():
            return []
        found = sorted((p for p in self.directory.glob("snapshot-*")
                        if p.is_dir() and not p.name.endswith(".partial")), reverse=True)
        latest = self.directory / _LATEST
        if latest.exists():
            named = self.directory / latest.read_text().strip()
            found = [named] + [p for p in found if p != named] if named in found else found
        return found


def _where(progress):
    if progress.step == 0:
        return f"the end of epoch {progress.epoch}"
    return f"epoch {progress.epoch + 1} after batch {progress.step}"


def _variables(model):
    """Every variable of a training run: the model's (weights, and the states of dropout's
    seed generators) and its optimizer's."""
    optimizer = [] if model.optimizer is None else list(model.optimizer.variables)
    return list(model.variables) + optimizer


def _numbered(arrays, prefix):
    names = sorted((n for n in arrays.files if n.startswith(prefix + "_")),
                   key=lambda n: int(n.rsplit("_", 1)[1]))
    return [arrays[n] for n in names]

