"""The data home, dataset lookup and FixedSplits."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate

from skactrec.datasets import DatasetNotFoundError, FixedSplits, get_data_home
from skactrec.datasets._base import find_dataset_dir


def test_data_home_from_argument_and_environment(tmp_path, monkeypatch):
    assert get_data_home(tmp_path / "a") == tmp_path / "a" and (tmp_path / "a").is_dir()
    monkeypatch.setenv("SKACTREC_DATA", str(tmp_path / "env"))
    assert get_data_home() == tmp_path / "env" and (tmp_path / "env").is_dir()


def test_find_dataset_dir_accepts_the_home_or_the_dataset_folder(tmp_path):
    (tmp_path / "KTH").mkdir()
    (tmp_path / "KTH" / "marker").touch()

    def looks_like(path):
        return (path / "marker").exists()

    assert find_dataset_dir(tmp_path, ["KTH"], looks_like, "x", "y") == tmp_path / "KTH"
    assert find_dataset_dir(tmp_path / "KTH", ["KTH"], looks_like, "x", "y") == tmp_path / "KTH"
    with pytest.raises(DatasetNotFoundError, match="(?s)marker files.*Other.*fetch it here"):
        find_dataset_dir(tmp_path, ["Other"], lambda p: False, "marker files", "fetch it here")


def test_fixed_splits_in_a_search():
    X, y = np.random.RandomState(0).normal(size=(6, 2)), np.array([0, 1] * 3)
    cv = FixedSplits([([0, 1, 2, 3], [4, 5]), ([2, 3, 4, 5], [0, 1]), ([0, 1], [3])])
    assert cv.get_n_splits() == 3
    result = cross_validate(LogisticRegression(), X, y, cv=cv)
    assert len(result["test_score"]) == 3
    search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=cv).fit(X, y)
    assert search.n_splits_ == 3
    assert "3" in repr(cv)


def test_fixed_splits_errors():
    with pytest.raises(ValueError, match="both in its training and test"):
        FixedSplits([([0, 1], [1, 2])])
    with pytest.raises(ValueError, match="X has 3"):
        list(FixedSplits([([0, 1], [5])]).split(np.zeros(3)))
