"""VGG16FrameFeaturizer: videos in, per-frame VGG16 features out, with an optional feature store.

The estimator checks its parameters, keys the feature store (:meth:`_store`: every
parameter that changes the output, the weights by identity, the engine only where its
features differ from TensorFlow's, the int8 calibration frames by their SHA-256) and gets
the process's VGG16 of its setting (:mod:`._engines`). Filling the output video by video,
reading ahead of VGG16 and spreading videos over workers, is :mod:`._featurize`; the
output in a file (``memmap=True``) and the error naming every bad video are
:mod:`._feature_output`. The user guide's "How skactrec works" page tells the whole way
from a file to features.
"""

import logging
import os
from numbers import Integral

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._progress import Progress
from ..utils._saved_version import SavedVersionMixin
from ..video._reader import read_video
from ._engines import get_extractor
from ._feature_output import BatchVideoReadError, FileOutput
from ._featurize import featurize, featurize_in_parallel
from ._openvino import ENGINES, Calibration, frames_identity, import_openvino
from ._store import FeatureStore
from ._vgg16 import (
    COMPUTE_DTYPES,
    MIN_FRAME_SIZE,
    POOLINGS,
    VGG16_LAYERS,
    n_output_features,
)
from ._video_inputs import check_videos, frame_size_tuple
from ._weights import weights_identity

logger = logging.getLogger(__name__)


class VGG16FrameFeaturizer(SavedVersionMixin, TransformerMixin, BaseEstimator):
    """Per-frame VGG16 features of videos: the CNN half of the paper's CNN-LSTM.

    Each video is read as ``n_frames`` frames of ``frame_size`` pixels (see
    :func:`~skactrec.read_video`), every frame goes through VGG16 up to ``layer``,
    and the layer's output is flattened (or pooled). With the defaults this is the
    paper's Algorithm 1: the first 40 frames, resized to 224x224, give a
    ``40 x 25088`` sequence per video (``block5_pool``, 7x7x512).

    Parameters
    ----------
    n_frames : int, default=40
        Frames per video. A shorter video is padded by repeating its last frame.
    frame_size : int or tuple of (int, int), default=224
        Frames are resized to this size (``(height, width)`` for a tuple) before VGG16.
        At least 32, VGG16's smallest input.
    layer : str, default="block5_pool"
        The VGG16 layer whose output are the features, by Keras name: ``"block1_conv1"``
        to ``"block5_pool"``. The paper's "max pooling of layer 10" giving 7x7x512 is
        ``"block5_pool"``; shallower layers keep more spatial detail.
    weights : {"imagenet", None} or str or os.PathLike, default="imagenet"
        ``"imagenet"``: ImageNet weights from the Keras cache, downloaded when missing
        (else a :class:`~skactrec.WeightsNotFoundError` says which file to put where).
        A path: a Keras file (``.h5``, ``.weights.h5``, ``.keras``) holding VGG16 under
        Keras's layer names (for other names, see :func:`~skactrec.convert_vgg16_weights`).
        ``None``: random weights from a fixed seed, the same in every process, for tests
        and demos.
    pooling : {None, "avg", "max"}, default=None
        None flattens the layer output (the paper); ``"avg"``/``"max"`` pool it over
        space, leaving one value per channel (512 at ``block5_pool``).
    sampling : {"first", "uniform"}, default="first"
        ``"first"``: the first ``n_frames`` frames (the paper). ``"uniform"``: frames
        spread evenly over the whole video.
    batch_size : int, default=8
        Frames per VGG16 forward pass, taken across consecutive videos; it changes the
        features by float32 rounding at most. 8 is as fast as larger batches on a CPU; a
        GPU is used better by 64 or more.
    compute_dtype : {"float32", "bfloat16", "float16", "int8"}, default="float32"
        Type VGG16 computes in. ``"bfloat16"`` and ``"float16"`` are Keras's mixed
        precision (float32 weights): about twice as fast on CPUs with AVX512-BF16 or AMX
        (``"bfloat16"``) and on GPUs with tensor cores (either), for features within about
        1% of float32's. ``"int8"`` (``engine="openvino"`` only) quantizes VGG16's
        convolutions after calibrating them on ``calibration``: several times float32's
        speed on CPUs with AVX512-VNNI or AMX, features about 5% from float32's
        (ImageNet's ``block5_pool`` on real frames). The paper computes in float32.
    engine : {"tensorflow", "openvino"}, default="tensorflow"
        What runs VGG16. ``"openvino"`` (the optional extra ``pip install
        "skactrec[openvino]"``) runs the same graph with the same weights on Intel's
        OpenVINO CPU runtime; its float32 features equal TensorFlow's, and it alone offers
        ``compute_dtype="int8"``.
    calibration : sequence of videos, default=None
        With ``compute_dtype="int8"`` (required then, ignored otherwise): a few videos
        (paths or arrays) of real footage like the videos to featurize, whose frames (about
        300, spread evenly over them) set the ranges of the int8 activations. Part of the
        feature store's key.
    dtype : {"float32", "float16"}, default="float32"
        Type of the features returned and stored. ``"float16"`` halves memory and disk;
        VGG16's outputs keep about 3 significant digits.
    memory : str, os.PathLike, joblib.Memory or None, default=None
        A feature store: a directory (or a ``joblib.Memory``'s location) where each
        video's features are written once (as ``.npy``, or as their non-zero values
        where that is smaller), keyed by the video's content and
        every parameter that changes the output (weights included). Later transforms,
        folds, grid points and processes read them instead of running VGG16 again.
    memmap : bool, default=False
        If True, ``transform`` returns a read-only :class:`numpy.memmap` over an unnamed
        temporary file (in the store's folder with ``memory``), freed when the array is
        deleted: a dataset's features need not fit in memory, and
        :class:`LSTMVideoClassifier` trains from them batch by batch.
    n_jobs : int, default=None
        Videos featurized in parallel by joblib, each worker with its own VGG16; the
        output is the same as with one job. None means 1 unless inside a
        :func:`joblib.parallel_config` context; -1 means every worker. Under
        ``joblib.parallel_config(backend="dask")`` the videos go to a Dask cluster's
        workers (:ref:`running_on_a_cluster`), and a ``memory`` folder must be one they
        all see.
    verbose : int, default=0
        ``>= 1`` shows a progress bar on a terminal (stderr), and logs the progress at
        INFO level on the ``skactrec`` logger elsewhere. Diagnostics go to ``logging``.

    Attributes
    ----------
    n_features_out_ : int
        Features per frame (25088 with the defaults).
    frame_size_ : tuple of (int, int)
        ``(height, width)`` of the frames given to VGG16.
    calibration_id_ : str
        With ``compute_dtype="int8"`` only: SHA-256 of the calibration frames read at
        ``fit``; ``transform`` refuses calibration videos that changed since.

    See Also
    --------
    LSTMVideoClassifier : The LSTM that classifies the feature sequences.
    read_video : How a video becomes ``n_frames`` frames.

    Notes
    -----
    From Orozco et al., "Human Action Recognition in Videos using a Robust CNN LSTM
    Approach", section 3 and Algorithm 1. VGG16 is built on first use, once per process
    and setting, and is never pickled with the estimator. The ImageNet preprocessing (RGB
    to BGR, minus the channel means) runs on a copy: the caller's arrays are never
    modified.

    The paper's features of one video are ``40 x 25088`` float32 values (4 MB): 2.4 GB
    for KTH, 27 GB for HMDB-51. ``dtype="float16"`` halves that; ``memmap=True`` keeps
    them on disk.

    A video that cannot be read does not stop the others: every video that can be read
    is computed (and stored, with ``memory``), then one
    :class:`~skactrec.BatchVideoReadError` names all the bad ones.

    Read more in the user guide: :ref:`feature_store`, :ref:`performance`, and how the
    featurizer works inside, :ref:`internals`.

    Examples
    --------
    >>> import numpy as np
    >>> from skactrec import VGG16FrameFeaturizer
    >>> videos = [np.zeros((5, 40, 40, 3), np.uint8), np.full((3, 40, 40), 255, np.uint8)]
    >>> featurizer = VGG16FrameFeaturizer(
    ...     n_frames=4, frame_size=32, layer="block2_pool", weights=None, pooling="avg")
    >>> featurizer.fit_transform(videos).shape
    (2, 4, 128)
    """

    _parameter_constraints = {
        "n_frames": [Interval(Integral, 1, None, closed="left")],
        "frame_size": [Interval(Integral, MIN_FRAME_SIZE, None, closed="left"), tuple],
        "layer": [StrOptions(set(VGG16_LAYERS))],
        "weights": [str, os.PathLike, None],
        "pooling": [StrOptions(set(POOLINGS)), None],
        "sampling": [StrOptions({"first", "uniform"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "compute_dtype": [StrOptions(set(COMPUTE_DTYPES) | {"int8"})],
        "engine": [StrOptions(set(ENGINES))],
        "calibration": ["array-like", None],
        "dtype": [StrOptions({"float32", "float16"})],
        "memory": [str, os.PathLike, HasMethods(["cache"]), None],
        "memmap": ["boolean"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        n_frames=40,
        frame_size=224,
        layer="block5_pool",
        weights="imagenet",
        pooling=None,
        sampling="first",
        batch_size=8,
        compute_dtype="float32",
        engine="tensorflow",
        calibration=None,
        dtype="float32",
        memory=None,
        memmap=False,
        n_jobs=None,
        verbose=0,
    ):
        self.n_frames = n_frames
        self.frame_size = frame_size
        self.layer = layer
        self.weights = weights
        self.pooling = pooling
        self.sampling = sampling
        self.batch_size = batch_size
        self.compute_dtype = compute_dtype
        self.engine = engine
        self.calibration = calibration
        self.dtype = dtype
        self.memory = memory
        self.memmap = memmap
        self.n_jobs = n_jobs
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the videos; VGG16 itself needs no fitting.

        Parameters
        ----------
        X : sequence of videos
            File paths (str or os.PathLike) and/or arrays ``(n_frames, height, width[, 3])``.
        y : None
            Ignored.

        Returns
        -------
        self : VGG16FrameFeaturizer
        """
        check_videos(X)
        self.frame_size_, self.n_features_out_ = self._geometry()
        weights_identity(self.weights)  # a missing weights file fails here, not later
        if self.engine == "openvino":
            import_openvino(int8=self.compute_dtype == "int8")  # so does a missing extra
        if self.compute_dtype == "int8":
            self.calibration_id_ = frames_identity(self._calibration_frames(check=False))
        return self

    def _calibration(self):
        """The int8 calibration of the fitted featurizer (its frames read when needed)."""
        return Calibration(self.calibration_id_, self._calibration_frames)

    def _calibration_frames(self, check=True):
        """The int8 calibration frames of ``calibration``, read as the videos are; with
        ``check``, the same as at fit."""
        if self.engine != "openvino":
            raise ValueError("compute_dtype='int8' runs on OpenVINO only: set "
                             "engine='openvino' (pip install 'skactrec[openvino]').")
        if self.calibration is None:
            raise ValueError("compute_dtype='int8' needs calibration: a few real videos "
                             "(paths or arrays) whose frames set the int8 ranges.")
        videos = check_videos(self.calibration)
        per_video = max(1, _CALIBRATION_FRAMES // len(videos))
        frames = np.concatenate([
            read_video(video, n_frames=per_video, frame_size=self.frame_size_,
                       sampling="uniform")
            for video in videos
        ])
        if check and frames_identity(frames) != self.calibration_id_:
            raise ValueError("The calibration videos changed since fit: call fit again.")
        return frames

    def _geometry(self):
        """``(frame_size, n_features)``: frames' ``(height, width)`` and features per frame."""
        frame_size = frame_size_tuple(self.frame_size)
        return frame_size, n_output_features(self.layer, frame_size, self.pooling)

    def transform(self, X):
        """VGG16 features of every frame of every video.

        Parameters
        ----------
        X : sequence of videos
            File paths (str or os.PathLike) and/or arrays ``(n_frames, height, width[, 3])``.

        Returns
        -------
        features : ndarray or numpy.memmap of shape (n_videos, n_frames, n_features)
            ``n_features`` is ``n_features_out_``; of type ``dtype``; a read-only
            memory-mapped array if ``memmap``.

        Raises
        ------
        VideoReadError
            One or more videos could not be read; the message names each by index
            and source. The features of the others are computed (and stored) first.
        """
        check_is_fitted(self)
        self._check_unchanged_since_fit()
        videos = check_videos(X)
        store = self._store()
        shape = (len(videos), self.n_frames, self.n_features_out_)
        out = FileOutput(shape, self.dtype, store) if self.memmap else np.empty(shape, self.dtype)
        with Progress(len(videos), "VGG16 features", self.verbose) as progress:
            if effective_n_jobs(self.n_jobs) == 1:
                errors = featurize(self, videos, store, out, progress)
            else:
                errors = featurize_in_parallel(self, videos, out, progress)
        if errors:
            raise BatchVideoReadError(errors, len(videos))
        return out.result() if self.memmap else out

    def _extractor(self):
        """The process's VGG16 of this fitted featurizer's settings (built on first use)."""
        return get_extractor(
            self.layer, self.frame_size_, self.weights, self.pooling, self.compute_dtype,
            self.engine, self._calibration() if self.compute_dtype == "int8" else None,
        )

    def _check_unchanged_since_fit(self):
        """Refuse to transform with a geometry other than the fitted one (set_params after
        fit): the output would not have the fitted ``n_features_out_``."""
        frame_size, n_features = self._geometry()
        if (frame_size, n_features) != (self.frame_size_, self.n_features_out_):
            raise ValueError(
                f"{type(self).__name__} was fitted for {self.n_features_out_} features per "
                f"frame of {self.frame_size_}, but its parameters now give {n_features} per "
                f"frame of {frame_size} (layer={self.layer!r}, pooling={self.pooling!r}): "
                "call fit again."
            )

    def _store(self):
        if self.memory is None:
            return None
        location = getattr(self.memory, "location", self.memory)
        if location is None:  # joblib.Memory(location=None) caches nothing
            return None
        settings = {
            "n_frames": self.n_frames,
            "frame_size": list(self.frame_size_),
            "sampling": self.sampling,
            "layer": self.layer,
            "pooling": self.pooling,
            "weights": weights_identity(self.weights),
            "compute_dtype": self.compute_dtype,
            "dtype": self.dtype,
        }
        if self.engine != "tensorflow" and self.compute_dtype != "float32":
            # float32 features are the same from either engine (within 1e-4), so both
            # share a store; reduced precisions round differently in each.
            settings["engine"] = self.engine
        if self.compute_dtype == "int8":
            settings["calibration"] = self.calibration_id_
        return FeatureStore(
            location, settings, shape=(self.n_frames, self.n_features_out_), dtype=self.dtype
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Videos are file paths or arrays, not a 2-D array of numbers (fit refuses one).
        # two_d_array stays True all the same: False would make scikit-learn skip every
        # common check; the ones that need 2-D data are listed in tests/test_common.py.
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags


_CALIBRATION_FRAMES = 300  # frames calibrating compute_dtype="int8" (NNCF's default count)
