"""One Pipeline, one search: GridSearchCV(LeaveOneGroupOut) over LSTM units, store, pickling."""

import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
from _features import store_entries
from sklearn.model_selection import GridSearchCV, LeaveOneGroupOut
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
from skactrec.features._engines import get_extractor

FEATURIZER = dict(n_frames=8, frame_size=32, layer="block2_pool", weights=None)
CLASSIFIER = dict(epochs=3, batch_size=4, random_state=0)


def _pipeline(memory=None):
    return make_pipeline(
        VGG16FrameFeaturizer(**FEATURIZER, memory=memory), LSTMVideoClassifier(**CLASSIFIER)
    )


def _frames_through_vgg16():
    return get_extractor("block2_pool", (32, 32), None, None).n_frames_processed


def _search(pipe, n_jobs=1):
    return GridSearchCV(
        pipe, {"lstmvideoclassifier__n_units": [2, 4]}, cv=LeaveOneGroupOut(), n_jobs=n_jobs
    )


def test_search_with_store_runs_vgg16_once_per_video(synthetic_videos, tmp_path):
    data = synthetic_videos
    assert len(np.unique(data.groups)) == 3
    before = _frames_through_vgg16()
    search = _search(_pipeline(memory=tmp_path)).fit(
        data.filenames, data.target_names[data.target], groups=data.groups)
    passes = _frames_through_vgg16() - before
    n_videos = len(data.filenames)
    # 3 folds x 2 unit values + the refit = 7 fits, yet each video once through VGG16.
    assert passes == n_videos * FEATURIZER["n_frames"]
    assert search.n_splits_ == 3 and len(search.cv_results_["mean_test_score"]) == 2
    assert set(search.classes_) == set(data.target_names)


def test_search_without_store_recomputes(synthetic_videos):
    data = synthetic_videos
    before = _frames_through_vgg16()
    _search(_pipeline()).fit(data.filenames, data.target, groups=data.groups)
    n_videos = len(data.filenames)
    # every fold transforms its training and test videos again, and so does the refit
    assert _frames_through_vgg16() - before == (2 * 3 + 1) * n_videos * FEATURIZER["n_frames"]


def test_search_in_two_processes(synthetic_videos, tmp_path):
    data = synthetic_videos
    search = _search(_pipeline(memory=tmp_path), n_jobs=2)
    search.fit(data.filenames, data.target, groups=data.groups)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert len(store_entries(tmp_path)) == len(data.filenames)


def test_fitted_pipeline_pickles_to_a_new_process(synthetic_videos, tmp_path):
    data = synthetic_videos
    pipe = _pipeline().fit(data.filenames, data.target_names[data.target])
    expected = pipe.predict_proba(data.filenames)
    joblib.dump(pipe, tmp_path / "pipe.joblib")
    np.save(tmp_path / "expected.npy", expected)
    code = textwrap.dedent(f"""
        import joblib, numpy as np, sys
        pipe = joblib.load({str(tmp_path / 'pipe.joblib')!r})
        proba = pipe.predict_proba({list(map(str, data.filenames))!r})
        expected = np.load({str(tmp_path / 'expected.npy')!r})
        assert list(pipe.classes_) == {list(map(str, pipe.classes_))!r}
        sys.exit(0 if np.array_equal(proba, expected) else 1)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("y_kind", ["int", "str"])
def test_pipeline_predicts_labels_of_any_type(synthetic_videos, y_kind):
    data = synthetic_videos
    y = data.target if y_kind == "int" else data.target_names[data.target]
    pipe = _pipeline().fit(data.filenames, y)
    assert set(pipe.predict(data.filenames)) <= set(y)
    assert pipe.predict_proba(data.filenames).shape == (len(y), len(set(y)))


def test_features_of_other_settings_are_a_clear_error(synthetic_videos, tmp_path):
    # A model fitted on block2_pool features (8x8x128 at 32x32), loaded, its featurizer
    # changed to another layer (4x4x256 = 4096 features per frame).
    data = synthetic_videos
    joblib.dump(_pipeline().fit(data.filenames, data.target), tmp_path / "pipe.joblib")
    pipe = joblib.load(tmp_path / "pipe.joblib")
    pipe.set_params(vgg16framefeaturizer__layer="block3_pool")
    with pytest.raises(ValueError, match=r"fitted for 8192 features per frame of \(32, 32\), "
                                         r"but its parameters now give 4096.*call fit again"):
        pipe.predict(data.filenames)
    # Refitted, the featurizer gives 4096 features: the LSTM refuses them, and says why.
    pipe[0].fit(data.filenames)
    with pytest.raises(ValueError, match=r"X has 4096 features, but LSTMVideoClassifier is "
                                         r"expecting 8192 features.*featurizer settings"):
        pipe.predict(data.filenames)
    # Other frame counts are fine: the LSTM reads sequences of any length.
    pipe.set_params(vgg16framefeaturizer__layer="block2_pool", vgg16framefeaturizer__n_frames=5)
    pipe[0].fit(data.filenames)
    assert pipe.predict_proba(data.filenames).shape == (len(data.filenames), 4)
