"""Weights resolution: ImageNet from the Keras cache or a download, a file, or random."""

import hashlib
import socket

import h5py
import numpy as np
import pytest

from skactrec.features import _weights
from skactrec.features._featurizer import VGG16FrameFeaturizer
from skactrec.features._weights import (
    IMAGENET_WEIGHTS,
    WeightsNotFoundError,
    imagenet_weights_path,
    keras_cache_dir,
    resolve_weights_file,
    weights_identity,
)


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras cache for the test."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path / "keras_home"


def _serve_as_imagenet(monkeypatch, url, md5):
    monkeypatch.setitem(IMAGENET_WEIGHTS, "url", url)
    monkeypatch.setitem(IMAGENET_WEIGHTS, "md5", md5)


def test_keras_cache_dir_follows_keras_home(keras_home):
    assert keras_cache_dir() == keras_home / "models"
    assert imagenet_weights_path() == keras_home / "models" / IMAGENET_WEIGHTS["fname"]


def test_identity_of_each_kind(tmp_path, vgg16_weights_file):
    copy, other = tmp_path / "renamed.h5", tmp_path / "other.h5"
    copy.write_bytes(vgg16_weights_file.read_bytes())
    with h5py.File(copy, "r") as source, h5py.File(other, "w") as changed:
        for key, value in source.attrs.items():
            changed.attrs[key] = value
        for name in source:
            source.copy(name, changed)
        changed["block5_conv3/block5_conv3/bias"][0] += 1.0
    assert weights_identity(vgg16_weights_file) == weights_identity(str(copy))  # not the name
    assert weights_identity(vgg16_weights_file) != weights_identity(other)  # one weight
    assert weights_identity(copy).startswith("vgg16:")
    assert len({weights_identity(None), weights_identity("imagenet"), weights_identity(copy)}) == 3


def test_a_file_that_is_not_vgg16_fails_at_fit(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not weights")
    with pytest.raises(ValueError, match="notes.h5.*neither an HDF5"):
        VGG16FrameFeaturizer(weights=path).fit([np.zeros((2, 32, 32, 3), np.uint8)])


@pytest.mark.parametrize("make", [lambda p: p / "missing.h5", lambda p: p])
def test_missing_weights_file_is_a_clear_error(tmp_path, make):
    path = make(tmp_path)
    with pytest.raises(WeightsNotFoundError, match="not found") as info:
        weights_identity(path)
    assert str(path) in str(info.value)
    with pytest.raises(WeightsNotFoundError):
        resolve_weights_file(path)
    with pytest.raises(WeightsNotFoundError, match=str(path.name)):
        VGG16FrameFeaturizer(weights=str(path)).fit([np.zeros((2, 32, 32, 3), np.uint8)])


def test_imagenet_from_cache_is_not_downloaded(keras_home, monkeypatch):
    target = imagenet_weights_path()
    target.parent.mkdir(parents=True)
    target.write_bytes(b"already here")
    monkeypatch.setitem(IMAGENET_WEIGHTS, "md5", hashlib.md5(b"already here").hexdigest())

    def no_download(target):
        raise AssertionError("must not download a cached file")

    monkeypatch.setattr(_weights, "_download_imagenet_weights", no_download)
    assert resolve_weights_file("imagenet") == target


def test_imagenet_missing_without_download(keras_home):
    with pytest.raises(WeightsNotFoundError, match=str(imagenet_weights_path())):
        resolve_weights_file("imagenet", download=False)


def test_imagenet_download_from_local_server(keras_home, http_server, monkeypatch):
    content = b"pretend weights " * 1000
    http_server.files["/weights.h5"] = content
    _serve_as_imagenet(monkeypatch, f"{http_server.url}/weights.h5",
                       hashlib.md5(content).hexdigest())
    path = resolve_weights_file("imagenet")
    assert path == imagenet_weights_path()
    assert path.read_bytes() == content


@pytest.mark.parametrize("failure", ["404", "checksum", "refused"])
def test_imagenet_download_failure_says_what_to_fetch_and_where(
    keras_home, http_server, monkeypatch, failure
):
    http_server.files["/weights.h5"] = b"corrupted"
    if failure == "404":
        url, md5 = f"{http_server.url}/nothing-here.h5", "0" * 32
    elif failure == "checksum":
        url, md5 = f"{http_server.url}/weights.h5", hashlib.md5(b"the real thing").hexdigest()
    else:
        with socket.socket() as s:  # a port with nobody listening
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url, md5 = f"http://127.0.0.1:{port}/weights.h5", "0" * 32
    _serve_as_imagenet(monkeypatch, url, md5)
    with pytest.raises(WeightsNotFoundError) as info:
        resolve_weights_file("imagenet")
    message = str(info.value)
    assert url in message and str(imagenet_weights_path()) in message
    assert "weights=None" in message and "KERAS_HOME" in message
    assert not imagenet_weights_path().exists(), "a failed download must leave no file"


def test_no_silent_fallback_to_random_weights(keras_home, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _serve_as_imagenet(monkeypatch, f"http://127.0.0.1:{port}/w.h5", "0" * 32)
    featurizer = VGG16FrameFeaturizer(n_frames=2, frame_size=32, weights="imagenet")
    video = np.zeros((2, 32, 32, 3), np.uint8)
    featurizer.fit([video])  # fit never downloads
    with pytest.raises(WeightsNotFoundError):
        featurizer.transform([video])


def test_imagenet_weights_are_loaded_end_to_end(
    keras_home, http_server, monkeypatch, vgg16_weights_file
):
    """A real VGG16 weights file served as "imagenet" gives the features of that file."""
    content = vgg16_weights_file.read_bytes()
    http_server.files["/vgg16.h5"] = content
    _serve_as_imagenet(monkeypatch, f"{http_server.url}/vgg16.h5", hashlib.md5(content).hexdigest())
    video = np.random.RandomState(0).randint(0, 256, (2, 32, 32, 3)).astype(np.uint8)
    params = dict(n_frames=2, frame_size=32, layer="block3_pool")
    from_download = VGG16FrameFeaturizer(weights="imagenet", **params).fit_transform([video])
    from_file = VGG16FrameFeaturizer(weights=vgg16_weights_file, **params).fit_transform([video])
    random = VGG16FrameFeaturizer(weights=None, **params).fit_transform([video])
    np.testing.assert_array_equal(from_download, from_file)
    assert not np.allclose(from_file, random)
