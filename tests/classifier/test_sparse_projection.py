"""The LSTM's input projection from the frames' nonzeros (input_product="sparse"): the same
products, outputs, gradients and fitted weights as the dense projection and as
keras.layers.LSTM, on synthetic sparse features and on ImageNet's features of real frames;
and the choice "auto" makes."""

import gc
import pickle
import weakref

import numpy as np
import pytest

from skactrec import LSTMVideoClassifier

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


def sparse_features(shape, density, seed=0):
    """Nonnegative float32 features of which about ``density`` are nonzero (ReLU-like)."""
    rng = np.random.default_rng(seed)
    return (rng.random(shape, dtype=np.float32) * 5 * (rng.random(shape) < density)).astype(
        np.float32)


def labels(n_videos):
    return np.array(["walk", "run", "jump"])[np.arange(n_videos) % 3]


def test_kernels_equal_the_dense_products():
    """More frames than a block, columns ending in a partial tile of both kernels, a frame
    and a feature with no nonzero: the dense products, up to float32 rounding."""
    from skactrec.classifier import _sparse_kernels as kernels

    n_rows, n_features, n_columns = 2 * kernels.FRAME_BLOCK + 37, 300, 280
    assert n_columns % kernels.PROJECTION_TILE and n_columns % kernels.GRADIENT_TILE
    X = sparse_features((n_rows, n_features), 0.1)
    X[5], X[:, 7] = 0, 0
    rng = np.random.default_rng(1)
    W = rng.standard_normal((n_features, n_columns), dtype=np.float32)
    G = rng.standard_normal((n_rows, n_columns), dtype=np.float32)

    starts, rows, values = kernels.to_blocked_csc(X)
    assert starts.shape == (3, n_features + 1) and len(values) == np.count_nonzero(X)
    rebuilt = np.zeros_like(X)
    for block in range(3):
        for k in range(n_features):
            span = slice(starts[block, k], starts[block, k + 1])
            assert np.all(np.diff(rows[span]) > 0)  # each block's frames in order
            assert np.all(rows[span] // kernels.FRAME_BLOCK == block)
            rebuilt[rows[span], k] = values[span]
    np.testing.assert_array_equal(rebuilt, X)

    X64 = X.astype(np.float64)
    np.testing.assert_allclose(kernels.project(starts, rows, values, W, n_rows), X64 @ W,
                               rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(kernels.kernel_gradient(starts, rows, values, G), X64.T @ G,
                               rtol=1e-5, atol=1e-3)
    for empty in (np.zeros((4, n_features), np.float32), np.zeros((0, n_features), np.float32)):
        columns = kernels.to_blocked_csc(empty)
        np.testing.assert_array_equal(kernels.project(*columns, W, len(empty)),
                                      np.zeros((len(empty), n_columns)))
        np.testing.assert_array_equal(kernels.kernel_gradient(*columns, G[: len(empty)]),
                                      np.zeros((n_features, n_columns)))


@pytest.mark.parametrize("traced", [False, True])
@pytest.mark.parametrize("return_sequences, dropout", [(False, 0.0), (True, 0.4)])
def test_layer_equals_keras_lstm(traced, return_sequences, dropout):
    """HoistedLSTM with the sparse projection, called eagerly or in a traced function:
    keras.layers.LSTM's outputs and gradients, dropout's mask included."""
    from skactrec.classifier._hoisted_lstm import HoistedLSTM

    x = tf.constant(sparse_features((3, 7, 50), 0.15))
    plain = keras.layers.LSTM(6, seed=3, return_sequences=return_sequences, dropout=dropout)
    hoisted = HoistedLSTM(6, seed=3, return_sequences=return_sequences, dropout=dropout)
    for layer in (plain, hoisted):
        layer.build((None, None, 50))
    hoisted.set_weights(plain.get_weights())
    hoisted.input_product = "sparse"
    results = []
    for layer in (plain, hoisted):
        def outputs_and_gradients(x, layer=layer):
            with tf.GradientTape() as tape:
                out = layer(x, training=True)
                loss = tf.reduce_sum(out**2)
            return out, tape.gradient(loss, layer.trainable_variables)

        results.append((tf.function(outputs_and_gradients) if traced
                        else outputs_and_gradients)(x))
    (out_plain, grads_plain), (out_sparse, grads_sparse) = results
    np.testing.assert_allclose(out_sparse, out_plain, rtol=1e-5, atol=1e-6)
    for grad_sparse, grad_plain in zip(grads_sparse, grads_plain, strict=True):
        np.testing.assert_allclose(grad_sparse, grad_plain, rtol=1e-4, atol=1e-5)


def test_a_mask_runs_keras_own_loop():
    """With a mask the layer runs keras.layers.LSTM's loop, whatever the product."""
    from skactrec.classifier._hoisted_lstm import HoistedLSTM

    x = sparse_features((2, 6, 20), 0.2)
    x[0, 4:] = 0.0  # the first sequence ends after 4 steps
    plain, hoisted = keras.layers.LSTM(5, seed=1), HoistedLSTM(5, seed=1)
    for layer in (plain, hoisted):
        layer.build((None, None, 20))
    hoisted.set_weights(plain.get_weights())
    hoisted.input_product = "sparse"
    mask = keras.layers.Masking(0.0)
    np.testing.assert_allclose(hoisted(mask(x)), plain(mask(x)), rtol=1e-5, atol=1e-6)
    assert not np.allclose(hoisted(x), hoisted(mask(x)))


def fit_pair(X, y, **params):
    """Two fits of the same seeded classifier, one dense and one sparse."""
    return [LSTMVideoClassifier(input_product=product, random_state=0, **params).fit(X, y)
            for product in ("dense", "sparse")]


def assert_same_fit(dense, sparse, X, rtol=1e-3):
    assert (dense.input_product_, sparse.input_product_) == ("dense", "sparse")
    for w_sparse, w_dense in zip(sparse.model_.get_weights(), dense.model_.get_weights(),
                                 strict=True):
        scale = np.abs(w_dense).max()
        np.testing.assert_allclose(w_sparse, w_dense, rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X), atol=1e-4)
    np.testing.assert_allclose(sparse.history_["loss"], dense.history_["loss"], rtol=1e-4)


def test_sparse_fit_equals_dense_fit_with_attention_and_dropout(monkeypatch):
    """The same seeded fit, weights, probabilities and attention weights either way; the
    sparse kernels ran each training step and each prediction; the choice survives
    pickling."""
    from skactrec.classifier import _sparse_kernels

    calls = {"project": 0, "kernel_gradient": 0}

    def counting(name, kernel):
        def counted(*args):
            calls[name] += 1
            return kernel(*args)

        return counted

    for name in calls:
        monkeypatch.setattr(_sparse_kernels, name, counting(name, getattr(_sparse_kernels, name)))
    X = sparse_features((24, 6, 200), 0.1)
    y = labels(len(X))
    params = dict(n_units=8, epochs=3, batch_size=8, dropout=0.2, temporal_pooling="attention")
    dense, sparse = fit_pair(X, y, **params)
    assert calls == {"project": 9, "kernel_gradient": 9}  # 3 epochs of 3 batches
    assert_same_fit(dense, sparse, X)
    assert calls["project"] == 9 + 3 and calls["kernel_gradient"] == 9  # 3 batches predicted
    np.testing.assert_allclose(sparse.frame_importances(X), dense.frame_importances(X),
                               atol=1e-5)
    loaded = pickle.loads(pickle.dumps(sparse))
    assert loaded.model_.get_layer("lstm").input_product == "dense"  # not in Keras's config
    np.testing.assert_allclose(loaded.predict_proba(X), sparse.predict_proba(X), atol=1e-6)
    assert loaded.model_.get_layer("lstm").input_product == "sparse"


def test_columns_converted_ahead_are_used_for_their_batch_only():
    from skactrec.classifier import _sparse_kernels as kernels

    batch = sparse_features((4, 5, 60), 0.2)
    kernels.prepare_columns(batch)
    flat = batch.reshape(-1, 60)
    prepared = kernels._PREPARED[flat.ctypes.data][1]
    assert kernels.columns_of(flat) is prepared  # the same memory: converted ahead
    assert kernels.columns_of(flat) is not prepared  # used once, then converted anew
    kernels.prepare_columns(batch)
    assert kernels.columns_of(flat[:10]) is not prepared  # same address, other frames
    for _ in range(3):
        kernels.prepare_columns(sparse_features((2, 5, 60), 0.2))
    assert len(kernels._PREPARED) == 2  # no more than two batches held
    for got, expected in zip(kernels.columns_of(flat.copy()), kernels.to_blocked_csc(flat),
                             strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_training_batches_are_converted_ahead_without_dropout(monkeypatch, dropout):
    """Without dropout the read-ahead thread converts each training batch; with it, the
    frames the LSTM reads are masked, and the step converts them itself."""
    from skactrec.classifier import _sparse_kernels

    calls = {"ahead": 0, "in_step": 0}
    convert = _sparse_kernels.to_blocked_csc

    def counted(X, threads=True):
        calls["in_step" if threads else "ahead"] += 1
        return convert(X, threads)

    monkeypatch.setattr(_sparse_kernels, "to_blocked_csc", counted)
    X, y = sparse_features((12, 5, 100), 0.1), labels(12)
    params = dict(n_units=4, batch_size=4, dropout=dropout, input_product="sparse",
                  random_state=0)
    LSTMVideoClassifier(epochs=2, **params).fit(X, y)
    assert calls == ({"ahead": 6, "in_step": 0} if not dropout else
                     {"ahead": 0, "in_step": 6})
    if dropout:
        return
    # A fit stopped after its first batch: the batch read ahead is not kept afterwards.
    class StopAfterABatch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model.stop_training = True

    clf = LSTMVideoClassifier(epochs=2, callbacks=[StopAfterABatch()], **params).fit(X, y)
    assert clf.n_iter_ == 1 and calls["ahead"] == 6 + 2 and not _sparse_kernels._PREPARED


def test_a_sparse_fit_leaves_no_model_behind():
    """Nothing global holds a sparse fit's model (a traced tf.custom_gradient would), and no
    gradient is registered with TensorFlow."""
    from tensorflow.python.framework import ops

    def custom_gradients():
        return sum(name.startswith("CustomGradient") for name in ops.gradient_registry.list())

    X = sparse_features((12, 5, 100), 0.1)
    y = labels(len(X))
    before = custom_gradients()
    clf = LSTMVideoClassifier(n_units=4, epochs=2, input_product="sparse", random_state=0)
    model = weakref.ref(clf.fit(X, y).model_)
    clf.predict(X)
    del clf
    gc.collect()
    assert model() is None
    assert custom_gradients() == before


def test_auto_chooses_by_density_size_and_precision():
    from skactrec.classifier._input_product import SPARSE_BELOW, choose_input_product

    sparse = sparse_features((6, 5, 2048), 0.1)
    dense = sparse_features((6, 5, 2048), 0.9)
    assert choose_input_product("auto", sparse, 128, "float32") == ("sparse", pytest.approx(
        0.1, abs=0.01))
    assert choose_input_product("auto", dense, 128, "float32")[0] == "dense"
    assert choose_input_product("auto", sparse, 8, "float32")[0] == "dense"  # small: dense
    assert choose_input_product("auto", sparse, 128, "bfloat16")[0] == "dense"
    assert choose_input_product("dense", sparse, 128, "float32")[0] == "dense"
    assert choose_input_product("sparse", dense, 128, "float32")[0] == "sparse"
    at_threshold = sparse_features((6, 5, 2048), SPARSE_BELOW + 0.05)
    assert choose_input_product("auto", at_threshold, 128, "float32")[0] == "dense"


def test_sparse_with_mixed_precision_is_an_error_before_any_work():
    X, y = sparse_features((6, 4, 30), 0.1), labels(6)
    clf = LSTMVideoClassifier(n_units=4, epochs=1, compute_dtype="bfloat16",
                              input_product="sparse")
    with pytest.raises(ValueError, match="compute_dtype='bfloat16'.*input_product='auto'"):
        clf.fit(X, y)
    assert not hasattr(clf, "model_")
    with pytest.raises(ValueError, match="input_product"):
        LSTMVideoClassifier(input_product="csr").fit(X, y)


@pytest.fixture(scope="module")
def imagenet_features(imagenet_weights, shared_videos):
    """ImageNet's block5_pool features (112 x 112 frames: 4608 per frame) of 8 frames of
    each real clip."""
    from skactrec import VGG16FrameFeaturizer

    featurizer = VGG16FrameFeaturizer(weights=imagenet_weights, frame_size=112, n_frames=8,
                                      sampling="uniform")
    return featurizer.fit_transform([str(v) for v in shared_videos])


def test_fit_on_imagenet_features_of_real_clips(imagenet_features):
    """On real features, "auto" takes the sparse product; the fit equals the dense one,
    and its weights give the same probabilities in a plain keras.layers.LSTM network."""
    X = imagenet_features
    y = labels(len(X))
    assert (X == 0).mean() > 0.75  # ImageNet's block5_pool of real frames: mostly zeros
    dense, auto = fit_pair(X, y, n_units=64, epochs=3, batch_size=4, learning_rate=1e-4)
    assert_same_fit(dense, auto, X)
    plain = keras.Sequential([keras.Input((None, X.shape[2])), keras.layers.LSTM(64),
                              keras.layers.Dense(3, activation="softmax")])
    plain.set_weights(auto.model_.get_weights())
    np.testing.assert_allclose(auto.predict_proba(X), plain.predict(X, verbose=0), atol=1e-5)
    assert LSTMVideoClassifier(n_units=64, epochs=1, random_state=0).fit(
        X, y).input_product_ == "sparse"
