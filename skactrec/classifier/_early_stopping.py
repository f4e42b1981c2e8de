"""Early stopping as scikit-learn's MLPClassifier does it: a stratified share of the training
videos held out, training stopped when their accuracy stops improving, the best epoch kept."""

import math

import numpy as np
from sklearn.model_selection import train_test_split


def stratified_validation(y, validation_fraction, random_state):
    """``(train_index, validation_index)``, sorted: ``validation_fraction`` of the videos,
    each class in its proportion, drawn by ``random_state``. Raises a ValueError naming
    ``validation_fraction`` when it cannot hold a video of each class."""
    classes, counts = np.unique(y, return_counts=True)
    n_validation = math.ceil(validation_fraction * len(y))
    if n_validation < len(classes) or len(y) - n_validation < len(classes):
        raise ValueError(
            f"validation_fraction={validation_fraction} of {len(y)} videos holds out "
            f"{n_validation}, and leaves {len(y) - n_validation} to train on: each needs a "
            f"video of each of the {len(classes)} classes. Change validation_fraction, or "
            "use more videos.")
    if counts.min() < 2:
        rare = classes[counts < 2].tolist()
        raise ValueError(
            f"early_stopping holds out videos of each class, but the classes {rare!r} have "
            "a single video: give them more videos, or set early_stopping=False.")
    train, validation = train_test_split(
        np.arange(len(y)), test_size=n_validation, stratify=y, random_state=random_state)
    return np.sort(train), np.sort(validation)


class ValidationStopper:
    """Stop when the validation score has not improved by at least ``tol`` for
    ``n_iter_no_change`` epochs in a row; keep the weights of the best epoch."""

    def __init__(self, n_iter_no_change, tol):
        self.n_iter_no_change, self.tol = n_iter_no_change, tol
        self.scores, self.best_score, self.no_improvement = [], -np.inf, 0
        self.best_weights = None

    def update(self, model, score):
        """Record the epoch's ``score``; whether training should stop."""
        score = float(score)
        self.scores.append(score)
        self.no_improvement = self.no_improvement + 1 if score < self.best_score + self.tol else 0
        if score > self.best_score:
            self.best_score, self.best_weights = score, model.get_weights()
        return self.no_improvement >= self.n_iter_no_change

    def restore_best(self, model):
        """Give ``model`` the weights of its best epoch."""
        if self.best_weights is not None:
            model.set_weights(self.best_weights)

    def state(self):
        """``(scalars, arrays)``: what a backup keeps of it."""
        return ({"scores": list(self.scores), "no_improvement": self.no_improvement},
                list(self.best_weights or []))

    def load_state(self, scalars, arrays):
        self.scores = [float(s) for s in scalars["scores"]]
        self.no_improvement = int(scalars["no_improvement"])
        self.best_score = max(self.scores, default=-np.inf)
        self.best_weights = list(arrays) or None
