"""HoistedLSTM is keras.layers.LSTM computed with one input projection per batch (issue 12):
same outputs, gradients, dropout and weights; and a fit leaves nothing behind in TensorFlow."""

import numpy as np
import pytest
from _sequences import FAST, make_sequences

from skactrec import LSTMVideoClassifier

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


def twin_layers(**kwargs):
    """A plain keras.layers.LSTM and a HoistedLSTM, built, with the same weights."""
    from skactrec.classifier._hoisted_lstm import HoistedLSTM

    plain = keras.layers.LSTM(6, seed=3, **kwargs)
    hoisted = HoistedLSTM(6, seed=3, **kwargs)
    plain.build((None, None, 5))
    hoisted.build((None, None, 5))
    hoisted.set_weights(plain.get_weights())
    return plain, hoisted


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("dropout", [0.0, 0.4])
def test_same_outputs_and_gradients_as_keras_lstm(return_sequences, dropout):
    x = tf.constant(np.random.RandomState(0).normal(size=(3, 7, 5)).astype(np.float32))
    plain, hoisted = twin_layers(return_sequences=return_sequences, dropout=dropout)
    results = []
    for layer in (plain, hoisted):
        with tf.GradientTape() as tape:
            out = layer(x, training=True)  # with dropout: the same seeded mask in both
            loss = tf.reduce_sum(out**2)
        results.append((out, tape.gradient(loss, layer.trainable_variables)))
    (out_plain, grads_plain), (out_hoisted, grads_hoisted) = results
    np.testing.assert_allclose(out_hoisted, out_plain, rtol=1e-5, atol=1e-6)
    for grad_hoisted, grad_plain in zip(grads_hoisted, grads_plain, strict=True):
        np.testing.assert_allclose(grad_hoisted, grad_plain, rtol=1e-4, atol=1e-6)


def test_a_mask_runs_keras_own_loop():
    """Masked steps (a Masking layer) are left to keras.layers.LSTM's loop: same outputs."""
    x = np.random.RandomState(1).normal(size=(2, 6, 5)).astype(np.float32)
    x[0, 4:] = 0.0  # the first sequence ends after 4 steps
    plain, hoisted = twin_layers()
    mask = keras.layers.Masking(0.0)
    np.testing.assert_allclose(hoisted(mask(x)), plain(mask(x)), rtol=1e-5, atol=1e-6)
    assert not np.allclose(hoisted(x), hoisted(mask(x)))  # the mask did change the output


def test_fitted_weights_load_into_a_plain_keras_lstm():
    """A fitted classifier's LSTM weights, in Keras's layout, give the same probabilities in
    a plain keras.layers.LSTM network, for the training frame count and another."""
    X, y = make_sequences(40, seed=0)
    clf = LSTMVideoClassifier(**FAST, random_state=0).fit(X, y)
    plain = keras.Sequential([
        keras.Input((None, X.shape[2])),
        keras.layers.LSTM(FAST["n_units"]),
        keras.layers.Dense(2, activation="softmax"),
    ])
    plain.set_weights(clf.model_.get_weights())  # kernel, recurrent_kernel, bias; dense
    kernel, recurrent_kernel, bias = clf.model_.get_layer("lstm").get_weights()
    assert kernel.shape == (3, 4 * FAST["n_units"])
    assert recurrent_kernel.shape == (FAST["n_units"], 4 * FAST["n_units"])
    assert bias.shape == (4 * FAST["n_units"],)
    for frames in (X, X[:, :4]):
        np.testing.assert_allclose(clf.predict_proba(frames), plain.predict(frames, verbose=0),
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("compute_dtype", ["bfloat16", "float16"])
def test_compute_dtype_mixed_precision(compute_dtype):
    """Mixed precision: the LSTM computes in compute_dtype with float32 weights, the output
    layer in float32; it learns the task as float32 does."""
    X, y = make_sequences(80, seed=0)
    clf = LSTMVideoClassifier(**FAST, compute_dtype=compute_dtype, random_state=0).fit(X, y)
    lstm, dense = clf.model_.layers
    assert lstm.compute_dtype == compute_dtype
    assert all(w.dtype == "float32" for w in clf.model_.weights)
    assert dense.compute_dtype == "float32"
    X_test, y_test = make_sequences(200, seed=1)
    assert clf.score(X_test, y_test) >= 0.9
    proba = clf.predict_proba(X_test)
    assert proba.dtype == np.float64 and np.allclose(proba.sum(axis=1), 1)


def test_compute_dtype_is_validated():
    X, y = make_sequences(10)
    with pytest.raises(ValueError, match="compute_dtype"):
        LSTMVideoClassifier(compute_dtype="int8").fit(X, y)


def test_fit_leaves_nothing_registered_in_tensorflow():
    """The per-fit memory growth of issue 12: Keras's TF optimizer summed gradients through
    ``all_reduce``, a custom gradient registered globally at each trace of the train step,
    holding the model's variables; and Keras's fit on a PyDataset registered its generator.
    A fit registers neither now, so nothing of it outlives it."""
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import script_ops

    def registered():
        names = ops.gradient_registry.list()
        return sum(name.startswith("CustomGradient") for name in names), script_ops._py_funcs.size()

    X, y = make_sequences(20)
    LSTMVideoClassifier(**{**FAST, "epochs": 2}, validation_split=0.2, random_state=0).fit(X, y)
    before = registered()
    for compute_dtype in ("float32", "float16"):  # float16: the loss-scaling optimizer too
        LSTMVideoClassifier(**{**FAST, "epochs": 2}, compute_dtype=compute_dtype,
                            validation_split=0.2, random_state=0).fit(X, y)
    assert registered() == before


def test_a_big_fit_frees_the_models_of_earlier_fits(monkeypatch):
    """A Keras model is a web of cyclic references, freed only by Python's garbage
    collector: a fit of a big model (all of the paper's) collects first, so the models of
    earlier fits that nothing uses do not pile up in a search (0.3 GB each at the paper's
    size). Python's automatic collection is off here, so only fit's can free them."""
    import gc
    import weakref

    from skactrec.classifier import _keras_build

    X, y = make_sequences(20)
    small = dict(FAST, epochs=1)
    earlier = LSTMVideoClassifier(**small, random_state=0).fit(X, y)
    model = weakref.ref(earlier.model_)
    gc.disable()
    try:
        del earlier
        LSTMVideoClassifier(**small, random_state=1).fit(X, y)  # small: no collection
        assert model() is not None
        monkeypatch.setattr(_keras_build, "_COLLECT_GARBAGE_ABOVE", 1)  # every model is big
        LSTMVideoClassifier(**small, random_state=2).fit(X, y)
        assert model() is None
    finally:
        gc.enable()
