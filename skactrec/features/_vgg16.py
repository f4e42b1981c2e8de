"""VGG16 cut at a named layer, built once per process, as a compiled frames -> features function.

The geometry of every layer is known without TensorFlow (``layer_output_shape``), so
estimators can validate parameters and report feature counts before any import.
"""

import logging
import threading

import numpy as np

from ..utils._precision import COMPUTE_DTYPES
from ._weights_files import VGG16_BLOCKS, read_vgg16_weights, set_vgg16_weights

logger = logging.getLogger(__name__)

_BLOCKS = VGG16_BLOCKS  # block: (channels, number of conv layers)
VGG16_LAYERS = tuple(
    name
    for block, (_, n_convs) in _BLOCKS.items()
    for name in [f"block{block}_conv{i}" for i in range(1, n_convs + 1)] + [f"block{block}_pool"]
)
POOLINGS = ("avg", "max")
_POLICY_LOCK = threading.Lock()  # one thread at a time changes Keras's global dtype policy
MIN_FRAME_SIZE = 32  # Keras's VGG16 without its top refuses smaller inputs.

# ImageNet channel means in BGR order: Keras's VGG16 ``preprocess_input`` ("caffe" mode).
IMAGENET_BGR_MEAN = np.array([103.939, 116.779, 123.68], dtype=np.float32)


def layer_output_shape(layer, frame_size):
    """Shape ``(height, width, channels)`` of a VGG16 layer's output for one frame.

    Parameters
    ----------
    layer : str
        A layer name of VGG16's convolutional base, e.g. ``"block5_pool"``.
    frame_size : tuple of int
        ``(height, width)`` of the input frames.

    Returns
    -------
    shape : tuple of int

    Examples
    --------
    >>> from skactrec.features._vgg16 import layer_output_shape
    >>> layer_output_shape("block5_pool", (224, 224))  # the paper's 7 x 7 x 512 = 25088
    (7, 7, 512)
    >>> layer_output_shape("block2_conv1", (64, 48))
    (32, 24, 128)
    """
    if layer not in VGG16_LAYERS:
        raise ValueError(f"Unknown VGG16 layer {layer!r}; expected one of {VGG16_LAYERS}.")
    block = int(layer[len("block")])
    n_halvings = block if layer.endswith("_pool") else block - 1
    height, width = frame_size
    return height >> n_halvings, width >> n_halvings, _BLOCKS[block][0]


def n_output_features(layer, frame_size, pooling):
    """Number of features per frame: the flattened layer output, or its channels if pooled."""
    height, width, channels = layer_output_shape(layer, frame_size)
    return channels if pooling in POOLINGS else height * width * channels


class FrameFeatureExtractor:
    """VGG16 up to ``layer``, applied to uint8 RGB frames; one instance per process and setting.

    Obtain instances with :func:`get_extractor`. Calling one maps uint8 frames
    ``(n, height, width, 3)`` to float32 features ``(n, n_features)``. The ImageNet
    preprocessing (RGB to BGR, minus the channel means) runs inside the compiled
    function on a cast copy, so the caller's frames are never modified.

    Attributes
    ----------
    n_features : int
        Features per frame.
    n_frames_processed : int
        Frames passed through VGG16 by this extractor so far in this process.
    """

    def __init__(self, layer, frame_size, weights_path, pooling, compute_dtype="float32"):
        import tensorflow as tf

        height, width = frame_size
        model = build_vgg16(layer, frame_size, weights_path, compute_dtype)
        mean = tf.constant(IMAGENET_BGR_MEAN)

        @tf.function(
            input_signature=[tf.TensorSpec((None, height, width, 3), tf.uint8)],
            reduce_retracing=True,
        )
        def forward(frames):
            x = tf.cast(frames, tf.float32)[..., ::-1] - mean
            y = tf.cast(model(x, training=False), tf.float32)
            if pooling == "avg":
                return tf.reduce_mean(y, axis=(1, 2))
            if pooling == "max":
                return tf.reduce_max(y, axis=(1, 2))
            return tf.reshape(y, (tf.shape(y)[0], -1))

        self._set_geometry(layer, (height, width), pooling, compute_dtype)
        self.forward = forward

    def _set_geometry(self, layer, frame_size, pooling, compute_dtype):
        self.layer = layer
        self.frame_size = tuple(frame_size)
        self.pooling = pooling
        self.compute_dtype = compute_dtype
        self.n_features = n_output_features(layer, self.frame_size, pooling)
        self.n_frames_processed = 0
        self._lock = threading.Lock()

    def __call__(self, frames, batch_size=32):
        """Features of uint8 frames ``(n, height, width, 3)``, ``batch_size`` frames per pass."""
        frames = np.asarray(frames)
        if frames.dtype != np.uint8 or frames.shape[1:] != (*self.frame_size, 3):
            raise ValueError(
                f"Expected uint8 frames of shape (n, {self.frame_size[0]}, "
                f"{self.frame_size[1]}, 3); got {frames.dtype} {frames.shape}."
            )
        out = np.empty((len(frames), self.n_features), dtype=np.float32)
        for start in range(0, len(frames), batch_size):
            batch = frames[start : start + batch_size]
            out[start : start + len(batch)] = self._run(batch)
            with self._lock:
                self.n_frames_processed += len(batch)
        return out

    def _run(self, batch):
        """Features of one batch of frames, as a float32 NumPy array."""
        return self.forward(batch).numpy()


def build_vgg16(layer, frame_size, weights_path, compute_dtype="float32"):
    """Keras's VGG16 convolutional base with the given weights, cut at ``layer``.

    Parameters
    ----------
    layer : str
        The last layer kept, by Keras name.
    frame_size : tuple of int
        ``(height, width)`` of the input frames.
    weights_path : path or None
        A VGG16 weights file (:func:`~skactrec.features._weights_files.read_vgg16_weights`),
        or None for the fixed-seed random weights.
    compute_dtype : {"float32", "bfloat16", "float16"}, default="float32"
        Keras's dtype policy of the layers (mixed precision keeps float32 weights).

    Returns
    -------
    model : keras.Model
        Input: preprocessed float frames ``(n, height, width, 3)`` (BGR minus the ImageNet
        means); output: the layer's.
    """
    import keras

    # keras.applications take no dtype: the global policy sets it while the model is built,
    # then the caller's policy is restored.
    with _POLICY_LOCK:
        previous = keras.config.dtype_policy()
        keras.config.set_dtype_policy(COMPUTE_DTYPES[compute_dtype])
        try:
            base = keras.applications.VGG16(include_top=False, weights=None,
                                            input_shape=(*frame_size, 3))
        finally:
            keras.config.set_dtype_policy(previous)
    if weights_path is None:
        _set_random_weights(base)
    else:
        set_vgg16_weights(base, read_vgg16_weights(weights_path))
    return keras.Model(base.input, base.get_layer(layer).output, name=f"vgg16_{layer}")


def _set_random_weights(model):
    """Glorot-uniform kernels and zero biases (Keras's defaults) from a fixed seed.

    Keras draws its initial weights from a global seed that differs between processes;
    fixing them here makes ``weights=None`` features identical everywhere.
    """
    from ._weights import RANDOM_WEIGHTS_SEED

    rng = np.random.RandomState(RANDOM_WEIGHTS_SEED)
    for layer in model.layers:
        weights = layer.get_weights()
        if not weights:
            continue
        kernel, bias = weights
        fan_in = np.prod(kernel.shape[:-1])
        fan_out = np.prod(kernel.shape[:-2]) * kernel.shape[-1]
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        kernel = rng.uniform(-limit, limit, size=kernel.shape).astype(np.float32)
        layer.set_weights([kernel, np.zeros_like(bias)])
