"""BackupAndRestore and Ctrl-C: a fit cut short and run again ends as the uninterrupted fit."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from _sequences import FAST, make_sequences

from skactrec import LSTMVideoClassifier

keras = pytest.importorskip("keras")

# 40 videos in batches of 16: 3 batches per epoch. Dropout draws from the seed generator.
PARAMS = dict(FAST, epochs=5, dropout=0.2, random_state=0)
# Early stopping: 32 videos train (8 held out), 2 batches per epoch; it stops before 15.
EARLY = dict(early_stopping=True, n_iter_no_change=2, validation_fraction=0.2, epochs=15)


class Stop(keras.callbacks.Callback):
    """Does ``action()`` after batch ``batch`` of epoch ``epoch`` (0-based)."""

    def __init__(self, epoch, batch, action):
        super().__init__()
        self.at, self.action, self.epoch = (epoch, batch), action, None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            self.action()


class CountBatches(keras.callbacks.Callback):
    """Counts the batches trained, in the class: fit trains with deep copies of callbacks."""

    n = 0

    def on_train_batch_end(self, batch, logs=None):
        type(self).n += 1


def crash():
    raise RuntimeError("the machine went down")


@pytest.fixture(scope="module")
def data():
    return make_sequences(40)


@pytest.fixture(scope="module")
def uninterrupted(data):
    X, y = data
    return {False: LSTMVideoClassifier(**PARAMS).fit(X, y),
            True: LSTMVideoClassifier(**{**PARAMS, **EARLY}).fit(X, y)}


def resume(X, y, backup, **params):
    """Fit again with the backup; the fitted classifier and the batches it trained."""
    CountBatches.n = 0
    clf = LSTMVideoClassifier(**{**PARAMS, **params},
                              callbacks=[backup, CountBatches()]).fit(X, y)
    return clf, CountBatches.n


def assert_same_fit(clf, reference, X):
    assert clf.n_iter_ == reference.n_iter_
    for name, values in reference.history_.items():
        np.testing.assert_allclose(clf.history_[name], values, rtol=1e-5)
    assert clf.validation_scores_ == reference.validation_scores_
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("save_freq, early_stopping, crash_after, trained", [
    # The third epoch cut short after its last batch: epochs 3 to 5 anew.
    ("epoch", False, 2, 3 * 3),
    # A backup every 2 batches, the last after 8: 7 batches left.
    (2, False, 2, 3 * 3 - 2),
    # Early stopping, the last batch of the third epoch: the epochs left before it stopped.
    ("epoch", True, 1, None),
])
def test_a_crashed_fit_resumes_from_its_backup(data, uninterrupted, tmp_path, save_freq,
                                               early_stopping, crash_after, trained):
    X, y = data
    backup = keras.callbacks.BackupAndRestore(tmp_path / "backup", save_freq=save_freq)
    params = {**PARAMS, **(EARLY if early_stopping else {})}
    with pytest.raises(RuntimeError, match="went down"):
        LSTMVideoClassifier(**params, callbacks=[backup, Stop(2, crash_after, crash)]).fit(X, y)
    assert (tmp_path / "backup" / "latest").exists()
    clf, n_batches = resume(X, y, backup, **params)
    reference = uninterrupted[early_stopping]
    assert_same_fit(clf, reference, X)
    if trained is not None:
        assert n_batches == trained
    else:
        assert 2 < reference.n_iter_ < 15 and n_batches == 2 * (reference.n_iter_ - 2)
    assert not (tmp_path / "backup").exists()  # deleted once the fit completed


def test_a_fit_killed_by_sigkill_resumes(data, uninterrupted, tmp_path):
    X, y = data
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    script = textwrap.dedent(f"""
        import json, os, signal, sys, time
        import numpy as np, keras
        sys.path.insert(0, {os.path.dirname(__file__) + "/.."!r})
        from _sequences import FAST
        from skactrec import LSTMVideoClassifier

        def backed_up_epoch():
            try:
                name = open("backup/latest").read()
                return json.load(open(f"backup/{{name}}/state.json"))["epoch"]
            except OSError:
                return None

        class Kill(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                if epoch == 3:
                    # The backup of epoch 3's end is written by a thread: killed before it
                    # is on disk, the fit would resume from the one before.
                    while backed_up_epoch() != 3:
                        time.sleep(0.01)
                    os.kill(os.getpid(), signal.SIGKILL)

        X, y = np.load("X.npy"), np.load("y.npy")
        backup = keras.callbacks.BackupAndRestore("backup")
        LSTMVideoClassifier(**{PARAMS!r}, callbacks=[backup, Kill()]).fit(X, y)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    clf, n_batches = resume(X, y, keras.callbacks.BackupAndRestore(tmp_path / "backup"))
    assert n_batches == 2 * 3  # the two epochs left
    assert_same_fit(clf, uninterrupted[False], X)


def test_ctrl_c_stops_after_the_batch_and_keeps_the_backup(data, uninterrupted, tmp_path):
    X, y = data
    backup = keras.callbacks.BackupAndRestore(tmp_path / "backup")
    press = Stop(1, 1, lambda: os.kill(os.getpid(), signal.SIGINT))
    CountBatches.n = 0
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt) as stopped:
        LSTMVideoClassifier(**PARAMS, callbacks=[backup, press, CountBatches()]).fit(X, y)
    assert CountBatches.n == 3 + 2  # the batch under way was finished, no other
    assert str(stopped.value) == (
        f"Training stopped by Ctrl-C at epoch 2 of 5, after batch 2 of 3; the backup in "
        f"{tmp_path / 'backup'} holds the end of epoch 1: fit again with the same data and "
        "parameters to resume from there.")
    assert signal.getsignal(signal.SIGINT) is handler
    clf, n_batches = resume(X, y, backup)
    assert n_batches == 4 * 3
    assert_same_fit(clf, uninterrupted[False], X)


def test_ctrl_c_without_a_backup_says_so(data):
    X, y = data
    press = Stop(0, 0, lambda: os.kill(os.getpid(), signal.SIGINT))
    with pytest.raises(KeyboardInterrupt, match="after batch 1 of 3; nothing was backed up"):
        LSTMVideoClassifier(**PARAMS, callbacks=[press]).fit(X, y)


def test_double_checkpoint_falls_back_to_the_previous_backup(data, uninterrupted, tmp_path):
    X, y = data
    backup = keras.callbacks.BackupAndRestore(tmp_path / "backup", double_checkpoint=True)
    with pytest.raises(RuntimeError):
        LSTMVideoClassifier(**PARAMS, callbacks=[backup, Stop(3, 0, crash)]).fit(X, y)
    snapshots = sorted((tmp_path / "backup").glob("snapshot-*"))
    assert len(snapshots) == 2
    (snapshots[-1] / "arrays.npz").write_bytes(b"torn by a full disk")
    clf, n_batches = resume(X, y, backup)
    assert n_batches == 3 * 3  # from the end of epoch 2, the one before the torn backup
    assert_same_fit(clf, uninterrupted[False], X)


def test_a_backup_of_other_data_is_not_used(data, tmp_path):
    X, y = data
    backup = keras.callbacks.BackupAndRestore(tmp_path / "backup")
    with pytest.raises(RuntimeError):
        LSTMVideoClassifier(**PARAMS, callbacks=[backup, Stop(1, 0, crash)]).fit(X, y)
    with pytest.raises(ValueError, match="was made by a fit of 40 training videos in 3 "
                                         "batches per epoch; this fit has 30 in 2"):
        LSTMVideoClassifier(**PARAMS, callbacks=[backup]).fit(X[:30], y[:30])
