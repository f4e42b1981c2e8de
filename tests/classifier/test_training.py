"""skactrec.classifier._training.train trains as Keras's fit: same updates, same epoch metrics."""

import numpy as np
import pytest

from skactrec.classifier._lstm_model import build_lstm_model
from skactrec.classifier._training import keras_validation_split, train

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("weighted", [False, True])
def test_same_weights_and_history_as_keras_fit(weighted):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 5, 3)).astype(np.float32)
    Y = np.eye(2, dtype=np.float32)[rng.randint(2, size=12)]
    sample_weight = rng.uniform(0.2, 3.0, size=12).astype(np.float32) if weighted else None
    ours, reference = (build_lstm_model(n_features=3, n_classes=2, n_units=4, seed=0)
                       for _ in range(2))
    reference.set_weights(ours.get_weights())
    # 9 training videos, batches of 4, 4 and 1: epoch metrics are averages weighted by batch size.
    # Weighted, each video's loss and accuracy count by its weight, the validation's too.
    train_index, validation_index = keras_validation_split(12, 0.25)
    history = train(ours, X, Y, sample_weight, batch_size=4, epochs=3, train_index=train_index,
                    validation_index=validation_index, callbacks=[], verbose=0, shuffle_seed=None)
    expected = reference.fit(X, Y, sample_weight=sample_weight, batch_size=4, epochs=3,
                             validation_split=0.25, shuffle=False, verbose=0).history
    assert set(history) == set(expected) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    for name in expected:
        np.testing.assert_allclose(history[name], expected[name], rtol=1e-5, atol=1e-6)
    for ours_weight, reference_weight in zip(ours.get_weights(), reference.get_weights(),
                                             strict=True):
        np.testing.assert_allclose(ours_weight, reference_weight, rtol=1e-5, atol=1e-6)
