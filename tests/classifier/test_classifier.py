"""Tests of skactrec.classifier._classifier.LSTMVideoClassifier (tiny models: 2 CPU cores)."""

import json
import pickle
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
from _sequences import FAST, make_sequences
from sklearn.base import clone, is_classifier
from sklearn.utils import get_tags

from skactrec import LSTMVideoClassifier


@pytest.fixture(scope="module")
def data():
    return make_sequences(80, seed=0)


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return LSTMVideoClassifier(**FAST, random_state=0).fit(X, y)


# --- learning and shapes ---------------------------------------------------------------


def test_learns_a_sequence_task(fitted):
    X_test, y_test = make_sequences(200, seed=1)
    assert fitted.score(X_test, y_test) >= 0.9
    # Without the informative frame the same network cannot do better than chance.
    X, y = make_sequences(80, seed=0)
    blind = LSTMVideoClassifier(**FAST, random_state=0).fit(np.delete(X, 3, axis=1), y)
    assert blind.score(np.delete(X_test, 3, axis=1), y_test) < 0.7


def test_fitted_attributes(fitted, data):
    X, _ = data
    np.testing.assert_array_equal(fitted.classes_, ["boxing", "walking"])
    assert fitted.n_features_in_ == X.shape[2] == 3  # the last axis, not the frames
    assert not hasattr(fitted, "feature_names_in_")
    assert set(fitted.history_) == {"loss", "accuracy"}
    assert len(fitted.history_["loss"]) == FAST["epochs"]
    assert fitted.history_["loss"][-1] < fitted.history_["loss"][0]
    assert fitted.model_ is fitted.keras_classifier_.model_
    import keras

    lstm, dense = fitted.model_.layers
    assert isinstance(lstm, keras.layers.LSTM) and isinstance(dense, keras.layers.Dense)
    assert fitted.model_.layers[0].units == FAST["n_units"]
    assert fitted.model_.layers[-1].units == 2  # binary: two softmax units


def test_predict_and_proba(fitted, data):
    X, _ = data
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(fitted.predict(X), fitted.classes_[proba.argmax(axis=1)])


def test_string_labels_multiclass():
    rng = np.random.RandomState(0)
    X = rng.normal(scale=0.3, size=(60, 4, 3)).astype(np.float32)
    labels = np.array(["waving", "boxing", "jogging"])
    y_idx = np.arange(60) % 3
    X[np.arange(60), 1, y_idx] += 2.0  # the class is the feature lit up at frame 1
    clf = LSTMVideoClassifier(**FAST, random_state=0).fit(X, labels[y_idx])
    np.testing.assert_array_equal(clf.classes_, ["boxing", "jogging", "waving"])
    assert clf.predict_proba(X).shape == (60, 3)
    y_pred = clf.predict(X)
    assert y_pred.dtype.kind == "U"
    assert set(y_pred) <= set(labels)
    assert clf.score(X, labels[y_idx]) >= 0.9


def test_2d_input_is_one_time_step():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    clf = LSTMVideoClassifier(**FAST, random_state=0).fit(X, y)
    assert clf.n_features_in_ == 5
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X[:, np.newaxis, :]))
    # ... and the same network as fitting on the explicit one-step sequences.
    clf3d = LSTMVideoClassifier(**FAST, random_state=0).fit(X[:, np.newaxis, :], y)
    np.testing.assert_array_equal(clf.predict_proba(X), clf3d.predict_proba(X))
    assert clf.score(X, y) >= 0.9


def test_other_number_of_frames_at_predict(fitted, data):
    X, _ = data
    for n_frames in (1, 3, 10):
        X_other = np.resize(X, (5, n_frames, X.shape[2]))
        proba = fitted.predict_proba(X_other)
        assert proba.shape == (5, 2)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    "shape, n_bad", [((4, 6, 7), 7), ((4, 7), 7), ((4, 6, 2), 2)]
)
def test_feature_count_mismatch(fitted, shape, n_bad):
    X_bad = np.zeros(shape)
    message = f"X has {n_bad} features, but LSTMVideoClassifier is expecting 3 features as input."
    for method in (fitted.predict, fitted.predict_proba, fitted.score):
        args = (X_bad, np.array(["boxing"] * 4)) if method == fitted.score else (X_bad,)
        with pytest.raises(ValueError, match=message):
            method(*args)


@pytest.mark.parametrize("shape", [(8,), (8, 2, 3, 3), ()])
def test_wrong_ndim(fitted, shape):
    X = np.zeros(shape)
    match = rf"3-D array .* 2-D array .*got an array with {len(shape)} dimension"
    with pytest.raises(ValueError, match=match):
        fitted.predict(X)
    with pytest.raises(ValueError, match=match):
        LSTMVideoClassifier(**FAST).fit(X, np.zeros(8) if shape else 0)


def test_one_class_and_missing_y(data):
    X, _ = data
    with pytest.raises(ValueError, match="at least 2 classes.*only one class: 'boxing'"):
        LSTMVideoClassifier(**FAST).fit(X, np.array(["boxing"] * len(X)))
    with pytest.raises(ValueError, match="requires y to be passed"):
        LSTMVideoClassifier(**FAST).fit(X, None)


def test_rejects_nan_and_inconsistent_lengths(data):
    X, y = data
    X_nan = X.copy()
    X_nan[0, 2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LSTMVideoClassifier(**FAST).fit(X_nan, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LSTMVideoClassifier(**FAST).fit(X, y[:-1])


def test_sigmoid_output():
    X, y = make_sequences(80, seed=0)
    clf = LSTMVideoClassifier(**FAST, output_activation="sigmoid", random_state=0).fit(X, y)
    assert clf.model_.layers[-1].activation.__name__ == "sigmoid"
    assert clf.model_.loss == "binary_crossentropy"
    raw = np.asarray(clf.model_(X, training=False))
    assert not np.allclose(raw.sum(axis=1), 1.0)  # sigmoids do not sum to 1 ...
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)  # ... rows do
    np.testing.assert_allclose(proba, raw / raw.sum(axis=1, keepdims=True), rtol=1e-6)
    X_test, y_test = make_sequences(200, seed=1)
    assert clf.score(X_test, y_test) >= 0.9


def test_validation_split_and_callbacks(data):
    import keras

    X, y = data
    stopper = keras.callbacks.EarlyStopping(monitor="loss", min_delta=100.0, patience=0)
    clf = LSTMVideoClassifier(
        n_units=4, epochs=10, validation_split=0.25, callbacks=[stopper], random_state=0
    ).fit(X, y)
    assert set(clf.history_) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(clf.history_["loss"]) == 2  # stopped: no epoch improves the loss by 100
    assert stopper.stopped_epoch == 0  # the callback given was copied, not used
    assert clf.get_params()["callbacks"][0] is stopper


# --- determinism ----------------------------------------------------------------------


def test_same_seed_same_model_different_seed_different_model(data):
    X, y = data
    params = dict(n_units=8, epochs=3, batch_size=16, dropout=0.3)  # dropout is seeded too
    proba_a = LSTMVideoClassifier(**params, random_state=0).fit(X, y).predict_proba(X)
    proba_b = LSTMVideoClassifier(**params, random_state=0).fit(X, y).predict_proba(X)
    proba_c = LSTMVideoClassifier(**params, random_state=1).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(proba_a, proba_b)
    assert not np.allclose(proba_a, proba_c)
    # A RandomState instance is a seed too.
    proba_d = LSTMVideoClassifier(**params, random_state=np.random.RandomState(3)).fit(X, y)
    proba_e = LSTMVideoClassifier(**params, random_state=np.random.RandomState(3)).fit(X, y)
    np.testing.assert_array_equal(proba_d.predict_proba(X), proba_e.predict_proba(X))


def test_unseeded_fits_differ(data):
    X, y = data
    params = dict(n_units=8, epochs=1, batch_size=16)
    proba_a = LSTMVideoClassifier(**params).fit(X, y).predict_proba(X)
    proba_b = LSTMVideoClassifier(**params).fit(X, y).predict_proba(X)
    assert not np.allclose(proba_a, proba_b)


def test_seeded_fit_leaves_global_random_state(data):
    import random

    X, y = data
    LSTMVideoClassifier(n_units=2, epochs=1).fit(X, y)  # imports TensorFlow, scikeras
    python_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    LSTMVideoClassifier(n_units=2, epochs=1, dropout=0.5, random_state=0).fit(X, y)
    assert random.getstate() == python_state
    after = np.random.get_state()  # noqa: NPY002
    np.testing.assert_array_equal(after[1], numpy_state[1])
    assert after[2:] == numpy_state[2:]


# In a fresh process: fit with random_state=0, predict, load a pickle written by the test
# process; also check that the first fit of a process (which imports TensorFlow) leaves
# the global random states alone and that unseeded fits still work after a seeded one.
_FRESH_PROCESS_SCRIPT = textwrap.dedent(
    """
    import json, pickle, random, sys
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from skactrec import LSTMVideoClassifier

    workdir = sys.argv[1]
    out = {}
    # sklearn's first fit in a process imports modules that draw from `random`: do it first.
    LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    data = np.load(f"{workdir}/data.npz")
    X, y, params = data["X"], data["y"], json.loads(str(data["params"]))
    python_state, numpy_state = random.getstate(), np.random.get_state()
    clf = LSTMVideoClassifier(**params, random_state=0).fit(X, y)
    after = np.random.get_state()
    out["global_state_untouched"] = bool(
        random.getstate() == python_state
        and np.array_equal(after[1], numpy_state[1]) and after[2:] == numpy_state[2:]
    )
    np.save(f"{workdir}/proba_{sys.argv[2]}.npy", clf.predict_proba(X))
    with open(f"{workdir}/fitted.pkl", "rb") as f:
        np.save(f"{workdir}/unpickled_{sys.argv[2]}.npy", pickle.load(f).predict_proba(X))
    from tensorflow.python.framework import config
    out["determinism_off_after_fit"] = not config.is_op_determinism_enabled()
    try:
        LSTMVideoClassifier(n_units=2, epochs=1).fit(X, y)  # unseeded: must not raise
        out["unseeded_fit_ok"] = True
    except Exception as exc:
        out["unseeded_fit_ok"] = repr(exc)
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def fresh_processes(tmp_path_factory, fitted, data):
    """Run the script in two fresh Python processes side by side; return their outputs."""
    X, y = data
    workdir = tmp_path_factory.mktemp("fresh")
    np.savez(workdir / "data.npz", X=X, y=y, params=json.dumps(FAST))
    with open(workdir / "fitted.pkl", "wb") as f:
        pickle.dump(fitted, f)

    def run(name):
        return subprocess.run(
            [sys.executable, "-c", _FRESH_PROCESS_SCRIPT, str(workdir), name],
            capture_output=True, text=True, timeout=300,
        )

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, ["a", "b"]))
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
    outputs = [json.loads(result.stdout.strip().splitlines()[-1]) for result in results]
    return workdir, outputs


def test_deterministic_across_processes(fresh_processes, fitted, data):
    workdir, _ = fresh_processes
    proba_a = np.load(workdir / "proba_a.npy")
    np.testing.assert_array_equal(proba_a, np.load(workdir / "proba_b.npy"))
    np.testing.assert_array_equal(proba_a, fitted.predict_proba(data[0]))


def test_pickle_loads_in_a_fresh_process(fresh_processes, fitted, data):
    workdir, _ = fresh_processes
    np.testing.assert_array_equal(
        np.load(workdir / "unpickled_a.npy"), fitted.predict_proba(data[0])
    )


def test_fresh_process_global_state_and_unseeded_fit(fresh_processes):
    _, outputs = fresh_processes
    for out in outputs:
        assert out == {
            "global_state_untouched": True,
            "determinism_off_after_fit": True,
            "unseeded_fit_ok": True,
        }


# --- persistence and sklearn API ------------------------------------------------------


def test_pickle_and_joblib_round_trip(fitted, data, tmp_path):
    X, _ = data
    expected = fitted.predict_proba(X)
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    np.testing.assert_array_equal(loaded.classes_, fitted.classes_)
    assert loaded.model_ is loaded.keras_classifier_.model_  # one model in the pickle
    joblib.dump(fitted, tmp_path / "clf.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "clf.joblib").predict_proba(X), expected)


def test_unfitted_pickle_and_clone(fitted):
    unfitted = LSTMVideoClassifier(n_units=5, dropout=0.1)
    assert pickle.loads(pickle.dumps(unfitted)).get_params() == unfitted.get_params()
    cloned = clone(fitted)
    assert cloned.get_params() == fitted.get_params()
    assert not hasattr(cloned, "model_")


def test_defaults_follow_the_paper():
    params = LSTMVideoClassifier().get_params()
    assert params["n_units"] == 360
    assert params["epochs"] == 50
    assert params["batch_size"] == 25
    assert params["optimizer"] == "rmsprop"
    assert params["output_activation"] == "softmax"
    assert params["dropout"] == 0.0
    assert params["verbose"] == 0


def test_keyword_only_parameters():
    with pytest.raises(TypeError):
        LSTMVideoClassifier(360)


@pytest.mark.parametrize("verbose, prints", [(0, False), (1, True)])
def test_verbose(data, capfd, verbose, prints):
    X, y = data
    clf = LSTMVideoClassifier(n_units=2, epochs=2, verbose=verbose, random_state=0)
    capfd.readouterr()
    clf.fit(X, y).predict(X)
    out, err = capfd.readouterr()
    if prints:
        assert "Epoch 1/2" in out
    else:
        assert out == ""
        assert "Epoch" not in err and "step" not in err


def test_is_a_classifier_with_3d_tag():
    clf = LSTMVideoClassifier()
    assert is_classifier(clf)
    tags = get_tags(clf)
    assert tags.estimator_type == "classifier"
    assert tags.input_tags.three_d_array
    assert tags.input_tags.two_d_array
    assert not tags.non_deterministic
