"""Which VGG16 weights to use: ImageNet (Keras cache or download), a file, or random.

Nothing here imports TensorFlow at module load; Keras is imported only to download.
"""

import os
from pathlib import Path

from ..utils._files import file_digest, memoised_per_file
from ._weights_files import read_vgg16_weights, weights_digest

# The file Keras's ``VGG16(include_top=False, weights="imagenet")`` loads, with the md5
# Keras checks it against (keras/src/applications/vgg16.py).
IMAGENET_WEIGHTS = {
    "fname": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "url": (
        "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    ),
    "md5": "6d6bbae143d832006294945121d1f1fc",
}

# Seed of the Glorot-uniform initialisation used for ``weights=None``, fixed so that
# random features are the same in every process (and so can be stored and reused).
RANDOM_WEIGHTS_SEED = 0


class WeightsNotFoundError(FileNotFoundError):
    """VGG16 weights could not be found or downloaded.

    The message says which file to fetch, from where, and where to put it.

    Examples
    --------
    >>> from skactrec import WeightsNotFoundError
    >>> issubclass(WeightsNotFoundError, FileNotFoundError)
    True
    """


def keras_cache_dir():
    """Directory where Keras keeps downloaded model weights.

    ``$KERAS_HOME/models`` if ``KERAS_HOME`` is set, else ``~/.keras/models`` (Keras
    falls back to ``/tmp/.keras`` when the home directory is not writable).

    Returns
    -------
    path : pathlib.Path
        The directory (it may not exist yet).

    Examples
    --------
    >>> from skactrec.features._weights import keras_cache_dir
    >>> keras_cache_dir().name
    'models'
    """
    if "KERAS_HOME" in os.environ:
        base = Path(os.environ["KERAS_HOME"]).expanduser()
    else:
        home = Path("~").expanduser()
        base = (home if os.access(home, os.W_OK) else Path("/tmp")) / ".keras"
    return base / "models"


def imagenet_weights_path():
    """Path where the ImageNet VGG16 (no top) weights file is expected.

    Examples
    --------
    >>> from skactrec.features._weights import imagenet_weights_path
    >>> imagenet_weights_path().name
    'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5'
    """
    return keras_cache_dir() / IMAGENET_WEIGHTS["fname"]


def vgg16_weights_digest(path):
    """SHA-256 of the 13 convolutions a VGG16 weights file holds (the arrays, not the
    file's bytes, so the same weights in two formats share features), memoised as
    :func:`~skactrec.utils._files.file_sha256`."""
    return memoised_per_file(path, "vgg16", lambda p: weights_digest(read_vgg16_weights(p)))


def _download_imagenet_weights(target):
    """Fetch the ImageNet weights into ``target`` through Keras, checking the md5."""
    from keras.utils import get_file

    # Keras falls back to /tmp/.keras when the cache directory is missing: create it.
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        path = get_file(
            IMAGENET_WEIGHTS["fname"],
            IMAGENET_WEIGHTS["url"],
            cache_dir=str(target.parent.parent),
            cache_subdir=target.parent.name,
            file_hash=IMAGENET_WEIGHTS["md5"],
            hash_algorithm="md5",
        )
    except Exception as exc:  # Keras raises bare Exception / ValueError on failures
        # A download that failed its checksum may leave a file behind: never keep it.
        if target.exists() and file_digest(target, "md5") != IMAGENET_WEIGHTS["md5"]:
            target.unlink()
        raise WeightsNotFoundError(
            f"The ImageNet weights of VGG16 are not in the Keras cache and could not be "
            f"downloaded ({type(exc).__name__}: {exc}). Download\n"
            f"    {IMAGENET_WEIGHTS['url']}\n"
            f"(md5 {IMAGENET_WEIGHTS['md5']}) and place it at\n"
            f"    {target}\n"
            f"(set KERAS_HOME to use another cache), or pass weights='/path/to/"
            f"{IMAGENET_WEIGHTS['fname']}'. Use weights=None for random weights."
        ) from exc
    return Path(path)


def weights_identity(weights):
    """A string that changes whenever the weights do: part of the feature-store key.

    Cheap: it never downloads nor builds anything, so features already in a store are
    served without the weights (``"imagenet"`` is named by the md5 Keras pins it to; a
    file by the SHA-256 of the 13 convolutions it holds, so that the same weights in
    two formats share features). A file is read and checked here: one that is not
    VGG16's fails before any work.

    Parameters
    ----------
    weights : {"imagenet", None} or str or os.PathLike
        As the featurizer's ``weights`` parameter.

    Returns
    -------
    identity : str

    Raises
    ------
    WeightsNotFoundError
        ``weights`` is a path and no file is there.
    ValueError
        The file does not hold VGG16's weights (the message says what it holds).

    Examples
    --------
    >>> from skactrec.features._weights import weights_identity
    >>> weights_identity(None)
    'random-glorot-uniform-seed0'
    >>> weights_identity("imagenet")
    'imagenet:6d6bbae143d832006294945121d1f1fc'
    """
    if weights is None:
        return f"random-glorot-uniform-seed{RANDOM_WEIGHTS_SEED}"
    if isinstance(weights, str) and weights == "imagenet":
        return f"imagenet:{IMAGENET_WEIGHTS['md5']}"
    return f"vgg16:{vgg16_weights_digest(_existing_weights_file(weights))}"


def _existing_weights_file(weights):
    path = Path(os.fspath(weights)).expanduser()
    if not path.is_file():
        raise WeightsNotFoundError(
            f"VGG16 weights file not found: {str(path)!r}"
            + (" is a directory." if path.is_dir() else ".")
            + " Pass the path of a Keras file holding VGG16 (.h5, .weights.h5 or .keras, "
            f"e.g. {IMAGENET_WEIGHTS['fname']}), weights='imagenet', or weights=None."
        )
    return path


def resolve_weights_file(weights, *, download=True):
    """The weights file to load into VGG16, downloading ImageNet's if needed.

    Parameters
    ----------
    weights : {"imagenet", None} or str or os.PathLike
        ``"imagenet"``: the Keras cache file, downloaded through Keras if missing.
        ``None``: no file (Glorot-uniform random weights from a fixed seed). A path:
        that file (see :func:`skactrec.features._weights_files.read_vgg16_weights`).
    download : bool, default=True
        Whether ``"imagenet"`` may be downloaded when it is not in the cache.

    Returns
    -------
    path : pathlib.Path or None

    Raises
    ------
    WeightsNotFoundError
        The file is missing (and, for ``"imagenet"``, could not be downloaded). There
        is never a silent fallback to random weights.

    Examples
    --------
    >>> from skactrec.features._weights import resolve_weights_file
    >>> resolve_weights_file(None) is None
    True
    """
    if weights is None:
        return None
    if isinstance(weights, str) and weights == "imagenet":
        target = imagenet_weights_path()
        if target.is_file():
            return target
        if not download:
            raise WeightsNotFoundError(
                f"The ImageNet weights of VGG16 are not at {target}. Download "
                f"{IMAGENET_WEIGHTS['url']} and place it there, or pass a path."
            )
        return _download_imagenet_weights(target)
    return _existing_weights_file(weights)
