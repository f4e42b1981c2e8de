"""``import skactrec`` stays light, and every public name is where users look for it."""

import importlib
import subprocess
import sys

import pytest

import skactrec

SUBPACKAGES = ["classifier", "datasets", "experiments", "features", "inspection", "plotting",
               "utils", "video"]

# What skactrec 0.1 exported: each must still be importable from the same place.
NAMES_IN_0_1 = {
    "skactrec": [
        "BatchVideoReadError", "LSTMVideoClassifier", "VGG16FrameFeaturizer", "VideoReadError",
        "WeightsNotFoundError", "convert_vgg16_weights", "plot_timeline", "plot_top_k",
        "plot_unit_sweep", "predict_timeline", "predict_top_k", "read_video", "reproduce",
        "__version__",
    ],
    "skactrec.datasets": [
        "DatasetNotFoundError", "FixedSplits", "fetch_kth", "get_data_home", "load_hmdb51",
        "load_kth", "load_ucf11", "load_ucf101", "load_video_files", "load_video_list",
        "make_synthetic_videos",
    ],
}


def test_import_does_not_import_tensorflow():
    code = (
        "import sys, skactrec, skactrec.datasets, skactrec.cli\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'scikeras') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("package", sorted(NAMES_IN_0_1))
def test_names_of_0_1_are_still_exported(package):
    module = importlib.import_module(package)
    missing = [name for name in NAMES_IN_0_1[package] if not hasattr(module, name)]
    assert not missing
    assert set(NAMES_IN_0_1[package]) <= set(module.__all__)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_subpackage_exports_what_it_defines(name):
    package = importlib.import_module(f"skactrec.{name}")
    assert len(set(package.__all__)) == len(package.__all__)
    for public in package.__all__:
        obj = getattr(package, public)
        # defined in one of the subpackage's own private modules, not borrowed from another
        assert obj.__module__.startswith(f"skactrec.{name}._"), (public, obj.__module__)


def test_the_top_level_names_are_the_subpackages_own():
    for name in set(skactrec.__all__) - {"__version__"}:
        obj = getattr(skactrec, name)
        package = importlib.import_module(obj.__module__.rsplit(".", 1)[0])
        assert getattr(package, name) is obj and name in package.__all__, name
