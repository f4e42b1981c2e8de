"""The module paths of skactrec 0.1, kept so that models saved then still load.

A pickled Pipeline names the module of each class it holds (``skactrec._classifier`` for
``LSTMVideoClassifier`` in 0.1). Those modules have moved into subpackages; importing an old
path gives the module that now holds the same code. Nothing else should import them.
"""

import importlib
import importlib.abc
import importlib.util
import sys

# 0.1's module -> the module (relative to skactrec) that holds its code now.
MOVED_MODULES = {
    "_attention_layers": "classifier._attention_layers",
    "_batches": "classifier._batches",
    "_classifier": "classifier._classifier",
    "_fused_rmsprop": "classifier._fused_rmsprop",
    "_hoisted_lstm": "classifier._hoisted_lstm",
    "_lstm_model": "classifier._lstm_model",
    "_seeding": "classifier._seeding",
    "_sequence_inputs": "classifier._sequence_inputs",
    "_training": "classifier._training",
    "_cli": "cli._main",
    "_cli_own_videos": "cli._own_videos",
    "_demo": "experiments._demo",
    "_fit_evaluate": "experiments._own_videos",
    "_reproduce": "experiments._reproduce",
    "_feature_output": "features._feature_output",
    "_featurizer": "features._featurizer",
    "_frame_batches": "features._frame_batches",
    "_openvino": "features._openvino",
    "_store": "features._store",
    "_vgg16": "features._vgg16",
    "_video_inputs": "features._video_inputs",
    "_weights": "features._weights",
    "_weights_files": "features._weights_files",
    "_timeline": "inspection._timeline",
    "_top_k": "inspection._top_k",
    "_plotting": "plotting._top_k",  # and plotting._unit_sweep
    "_timeline_plot": "plotting._timeline",
    "_hardware": "utils._hardware",
    "_precision": "utils._precision",
    "_progress": "utils._progress",
    "_ffmpeg": "video._ffmpeg",
    "_resize": "video._resize",
    "_video": "video._reader",
}


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``skactrec.<old name>`` and loads it as the module it moved to."""

    def __init__(self):
        self._own_specs = {}

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.partition(".")
        if package != "skactrec" or name not in MOVED_MODULES:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        module = importlib.import_module(f"skactrec.{MOVED_MODULES[spec.name.partition('.')[2]]}")
        self._own_specs[module.__name__] = module.__spec__
        return module

    def exec_module(self, module):
        # The module it moved to has run already; importlib gave it the old path's spec.
        module.__spec__ = self._own_specs[module.__name__]


def install():
    """Let the old module paths be imported (once per process)."""
    if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())
