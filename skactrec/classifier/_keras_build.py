"""One fit's Keras model, built and compiled through scikeras.

* **scikeras inside, not as a base class.** scikeras 0.13's ``KerasClassifier`` is not a
  valid scikit-learn >= 1.7 estimator (mixins on the right, old-style tags), and a subclass
  cannot fix it: ``class X(ClassifierMixin, KerasClassifier)`` has no consistent MRO. So
  :class:`~skactrec.LSTMVideoClassifier` is a plain scikit-learn estimator, and each fit
  makes a ``KerasClassifier`` that builds and compiles the model (``build_lstm_model``)
  and pickles it with the estimator. scikeras does not fit it: its ``fit`` hands ``X`` to
  Keras whole, which copies it into one tensor. Training is :func:`._training.train`.
* **No random_state for scikeras.** Its seeding sets ``TF_DETERMINISTIC_OPS``, which
  TensorFlow caches for the whole process: op determinism would stay on after the fit, and
  a later unseeded random op (a fit with ``random_state=None``) would raise. The caller
  seeds the fit with :func:`._seeding.seeded`, which restores every state afterwards.
* **Memory between fits.** A Keras model's layers, graph nodes and compiled functions
  refer to one another, so a model no longer used is freed only by Python's cyclic garbage
  collector, which may not run for many fits: in a search each fit's model (0.3 GB of
  weights and RMSProp state at the paper's size) stayed in memory. A fit of a model with at
  least ``_COLLECT_GARBAGE_ABOVE`` input weights collects garbage first; smaller ones are
  not worth the collection's time.

scikeras is imported when a model is fitted, not with this module.
"""

import gc

from sklearn import config_context

# A fit whose LSTM has at least this many input weights (n_features x n_units; 9 million at
# the paper's size, 0.3 GB with RMSProp's state) first collects garbage.
_COLLECT_GARBAGE_ABOVE = 1_000_000


def build_keras_classifier(build, X, Y, *, n_input_weights, epochs, batch_size, verbose):
    """A scikeras ``KerasClassifier`` whose ``model_`` is built by ``build(**kwargs)`` and
    compiled for ``X`` (already validated) and the one-hot ``Y``, untrained.

    ``n_input_weights`` (the LSTM's input kernel's size) decides whether garbage is collected
    first.
    """
    from scikeras.wrappers import KerasClassifier

    if n_input_weights >= _COLLECT_GARBAGE_ABOVE:
        gc.collect()  # free the models of earlier fits before a big one is built
    keras_classifier = KerasClassifier(
        model=build, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=verbose)
    with config_context(assume_finite=True):  # X's finiteness was checked already
        keras_classifier.initialize(X, Y)
    return keras_classifier
