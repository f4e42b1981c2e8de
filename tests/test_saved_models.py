"""Models saved by an earlier skactrec load and predict the same."""

import pickle
from pathlib import Path

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose

import skactrec
from skactrec import InconsistentSkactrecVersionWarning, LSTMVideoClassifier, VGG16FrameFeaturizer

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("pooling", ["last", "attention"])
def test_pipeline_saved_by_0_1_predicts_the_same(pooling):
    saved = np.load(DATA / f"pipeline-0.1.0.dev0-{pooling}.npz")
    # 0.1 recorded no version: loading says which versions saved and loaded it
    versions = rf"saved by skactrec 0\.1\.0\.dev0 and is loaded by skactrec {skactrec.__version__}"
    with pytest.warns(InconsistentSkactrecVersionWarning, match=versions) as caught:
        model = joblib.load(DATA / f"pipeline-0.1.0.dev0-{pooling}.joblib")
    ours = [w for w in caught if w.category is InconsistentSkactrecVersionWarning]
    assert {str(w.message).split()[1] for w in ours} == {"VGG16FrameFeaturizer",
                                                         "LSTMVideoClassifier"}
    assert isinstance(model[0], VGG16FrameFeaturizer)
    assert isinstance(model[-1], LSTMVideoClassifier)
    assert model[-1].temporal_pooling == pooling
    np.testing.assert_array_equal(model.classes_, saved["classes"])
    # The saved predictions are far from uniform: a model that lost its weights would differ.
    assert np.ptp(saved["proba"]) > 0.2
    assert_allclose(model.predict_proba(saved["videos"]), saved["proba"], rtol=1e-5, atol=1e-6)


def test_models_are_saved_under_the_new_module_paths_with_the_version():
    data = pickle.dumps(LSTMVideoClassifier(n_units=3))
    assert b"skactrec.classifier._classifier" in data
    assert b"skactrec._classifier" not in data
    assert skactrec.__version__.encode() in data


@pytest.mark.parametrize("estimator", [LSTMVideoClassifier(n_units=3),
                                       VGG16FrameFeaturizer(n_frames=2)])
def test_loading_with_the_same_version_is_silent(estimator, recwarn):
    loaded = pickle.loads(pickle.dumps(estimator))
    assert loaded.get_params() == estimator.get_params()
    assert "_skactrec_version" not in vars(loaded) and "_skactrec_version" not in vars(estimator)
    assert not recwarn.list


def test_another_version_warns(monkeypatch):
    data = pickle.dumps(VGG16FrameFeaturizer(n_frames=2))
    monkeypatch.setattr("skactrec.utils._saved_version.__version__", "9.9")
    with pytest.warns(InconsistentSkactrecVersionWarning, match=r"skactrec \S+ and is loaded by "
                      r"skactrec 9\.9\. .*fit it again"):
        pickle.loads(data)


def test_an_old_module_path_is_the_module_it_moved_to():
    import skactrec._classifier as old

    from skactrec.classifier import _classifier

    assert old is _classifier
    assert _classifier.__spec__.name == "skactrec.classifier._classifier"  # its own, kept
    with pytest.raises(ModuleNotFoundError):
        import skactrec._no_such_module  # noqa: F401
