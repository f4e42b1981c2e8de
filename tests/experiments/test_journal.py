"""A search run again after a crash redoes only the fits it had not finished."""

import numpy as np
import pytest
from _sequences import FAST, make_sequences
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skactrec import LSTMVideoClassifier
from skactrec.experiments._journal import FitJournal, data_key, fit_key
from skactrec.experiments._sweep import sweep_scores, sweep_units

keras = pytest.importorskip("keras")


class Watch(keras.callbacks.Callback):
    """Counts fits and batches in the class (fit trains with deep copies of callbacks), and
    crashes at batch ``crash_at`` of all those counted when it is set."""

    fits = batches = 0
    crash_at = None

    def on_train_begin(self, logs=None):
        type(self).fits += 1

    def on_train_batch_end(self, batch, logs=None):
        type(self).batches += 1
        if type(self).batches == type(self).crash_at:
            raise RuntimeError("the machine went down")

    @classmethod
    def reset(cls, crash_at=None):
        cls.fits = cls.batches = 0
        cls.crash_at = crash_at


@pytest.fixture(scope="module")
def data():
    X, y = make_sequences(36)
    return X, y, np.arange(36) % 3


def pipeline(**params):
    lstm = LSTMVideoClassifier(**{**FAST, "epochs": 4, "dropout": 0.2, "random_state": 0,
                                  **params}, callbacks=[Watch()])
    return make_pipeline(FunctionTransformer(), lstm)


def sweep(X, y, groups, journal=None, units=(4, 8), **params):
    search = sweep_units(pipeline(**params), X, y, units=units, cv=GroupKFold(3),
                         groups=groups, refit=False, journal=journal)
    return sweep_scores(search)


@pytest.fixture(scope="module")
def uninterrupted(data):
    return sweep(*data)


def test_a_search_run_again_takes_every_fit_from_the_journal(data, uninterrupted, tmp_path):
    journal = FitJournal(tmp_path / "fits")
    Watch.reset()
    first = sweep(*data, journal=journal)
    assert Watch.fits == 2 * 3
    np.testing.assert_array_equal(first.folds, uninterrupted.folds)
    Watch.reset()
    again = sweep(*data, journal=journal)
    assert Watch.fits == 0
    np.testing.assert_array_equal(again.folds, uninterrupted.folds)
    assert not (tmp_path / "fits" / "backups").exists() or not any(
        (tmp_path / "fits" / "backups").iterdir())  # each completed fit's backup removed


def test_a_crashed_search_resumes_with_the_fits_it_had_not_finished(data, uninterrupted,
                                                                    tmp_path):
    journal = FitJournal(tmp_path / "fits")
    # 24 training videos in batches of 16: 2 batches per epoch, 8 per fit. The crash comes
    # in the third fit's third epoch, after its backup of the end of the second.
    Watch.reset(crash_at=2 * 8 + 5)
    with pytest.raises(RuntimeError, match="went down"):
        sweep(*data, journal=journal)
    Watch.reset()
    resumed = sweep(*data, journal=journal)
    assert Watch.fits == 6 - 2  # the two finished fits are not run again
    assert Watch.batches == 4 + 3 * 8  # the third from its backup, then three whole fits
    np.testing.assert_allclose(resumed.folds, uninterrupted.folds)
    np.testing.assert_allclose(resumed.mean, uninterrupted.mean)


def test_other_settings_are_not_taken_from_the_journal(data, tmp_path):
    X, y, groups = data
    journal = FitJournal(tmp_path / "fits")
    sweep(X, y, groups, journal=journal, units=[4])
    Watch.reset()
    sweep(X, y, groups, journal=journal, units=[4], epochs=3)
    assert Watch.fits == 3


def test_keys_follow_content_not_names(tmp_path):
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    a.write_bytes(b"a video")
    b.write_bytes(b"a video")
    assert data_key([str(a)], [0]) == data_key([str(b)], [0]) != data_key([str(a)], [1])
    X, y = make_sequences(6)
    key = fit_key(pipeline(), X, y)
    assert key == fit_key(pipeline(verbose=1), X.copy(), list(y))
    assert key != fit_key(pipeline(learning_rate=0.02), X, y)
    assert key != fit_key(pipeline(), X + 0.01, y) != fit_key(pipeline(), X, y[::-1])


def test_a_journal_refuses_refit(data, tmp_path):
    X, y, groups = data
    with pytest.raises(ValueError, match="refit=False"):
        sweep_units(pipeline(), X, y, units=[4], cv=2, refit=True,
                    journal=FitJournal(tmp_path))
