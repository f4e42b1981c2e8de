"""RMSProp's update compiled in place (skactrec.classifier._fused_rmsprop): Keras's update, for the
variables it is given to, only during training, and one compiled function for every model."""

import gc

import numpy as np
import pytest

from skactrec.classifier import _fused_rmsprop
from skactrec.classifier._lstm_model import build_lstm_model
from skactrec.classifier._training import train

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")
if keras.backend.backend() != "tensorflow":
    pytest.skip("the compiled update is TensorFlow's", allow_module_level=True)



def train_all(model, X, Y, *, batch_size, epochs):
    """Train on every video, in order, as Keras's fit(shuffle=False)."""
    train(model, X, Y, None, batch_size=batch_size, epochs=epochs, train_index=np.arange(len(Y)),
          validation_index=[], callbacks=[], verbose=0, shuffle_seed=None)

@pytest.fixture
def compiled_calls(monkeypatch):
    """The shape of each variable the compiled update was traced for, at each trace of a
    train step; every variable goes through it (FUSE_ABOVE = 0)."""
    monkeypatch.setattr(_fused_rmsprop, "FUSE_ABOVE", 0)
    calls = []
    compiled = _fused_rmsprop._compiled_rmsprop_update

    def spy():
        update = compiled()

        def traced(variable, velocity, gradient, *args):
            calls.append(tuple(gradient.shape))
            return update(variable, velocity, gradient, *args)

        return traced

    monkeypatch.setattr(_fused_rmsprop, "_compiled_rmsprop_update", spy)
    return calls


def data(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(10, 4, 3)).astype(np.float32)
    return X, np.eye(2, dtype=np.float32)[rng.randint(2, size=10)]


def twins(**kwargs):
    ours, reference = (build_lstm_model(n_features=3, n_classes=2, n_units=4, seed=0, **kwargs)
                       for _ in range(2))
    reference.set_weights(ours.get_weights())
    return ours, reference


def assert_same_weights(model, reference):
    for weight, expected in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(weight, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("compute_dtype", ["float32", "float16"])
def test_compiled_update_gives_keras_weights(compiled_calls, compute_dtype):
    X, Y = data()
    ours, reference = twins(compute_dtype=compute_dtype)
    train_all(ours, X, Y, batch_size=4, epochs=3)
    reference.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    # Traced for each of the 5 variables (LSTM kernel, recurrent kernel, bias; Dense), at
    # each trace of the train step.
    assert set(compiled_calls) == {tuple(v.shape) for v in ours.trainable_variables}
    assert_same_weights(ours, reference)


def test_small_variables_keep_keras_update(compiled_calls, monkeypatch):
    monkeypatch.setattr(_fused_rmsprop, "FUSE_ABOVE", 4 * 16)  # the recurrent kernel only
    X, Y = data()
    ours, reference = twins()
    train_all(ours, X, Y, batch_size=5, epochs=2)
    reference.fit(X, Y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    assert set(compiled_calls) == {(4, 16)}
    assert_same_weights(ours, reference)


def test_only_during_training_and_for_every_model(compiled_calls):
    X, Y = data()
    first, _ = twins()
    train_all(first, X, Y, batch_size=5, epochs=1)
    assert "update_step" not in vars(first.optimizer) and first.train_function is None
    del first
    gc.collect()  # the first model's variables are gone; the compiled update is shared
    ours, reference = twins()
    train_all(ours, X, Y, batch_size=5, epochs=2)
    n_calls = len(compiled_calls)
    # After training, Keras's fit on the same model runs Keras's own update.
    ours.fit(X, Y, batch_size=5, epochs=1, shuffle=False, verbose=0)
    reference.fit(X, Y, batch_size=5, epochs=3, shuffle=False, verbose=0)
    assert len(compiled_calls) == n_calls
    assert_same_weights(ours, reference)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_other_optimizers_keep_keras_update(compiled_calls, optimizer):
    X, Y = data()
    model = build_lstm_model(n_features=3, n_classes=2, n_units=4, seed=0, optimizer=optimizer)
    train_all(model, X, Y, batch_size=5, epochs=1)
    assert compiled_calls == []
