"""Models saved by an earlier skactrec load and predict the same."""

import pickle
from pathlib import Path

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("pooling", ["last", "attention"])
def test_pipeline_saved_by_0_1_predicts_the_same(pooling):
    saved = np.load(DATA / f"pipeline-0.1.0.dev0-{pooling}.npz")
    model = joblib.load(DATA / f"pipeline-0.1.0.dev0-{pooling}.joblib")
    assert isinstance(model[0], VGG16FrameFeaturizer)
    assert isinstance(model[-1], LSTMVideoClassifier)
    assert model[-1].temporal_pooling == pooling
    np.testing.assert_array_equal(model.classes_, saved["classes"])
    # The saved predictions are far from uniform: a model that lost its weights would differ.
    assert np.ptp(saved["proba"]) > 0.2
    assert_allclose(model.predict_proba(saved["videos"]), saved["proba"], rtol=1e-5, atol=1e-6)


def test_models_are_saved_under_the_new_module_paths():
    data = pickle.dumps(LSTMVideoClassifier(n_units=3))
    assert b"skactrec.classifier._classifier" in data
    assert b"skactrec._classifier" not in data


def test_an_old_module_path_is_the_module_it_moved_to():
    import skactrec._classifier as old

    from skactrec.classifier import _classifier

    assert old is _classifier
    with pytest.raises(ModuleNotFoundError):
        import skactrec._no_such_module  # noqa: F401
