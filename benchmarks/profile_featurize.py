"""Where the featurizer's time goes, stage by stage, against a raw VGG16 forward (issue 13).

Each row adds one stage of ``VGG16FrameFeaturizer.transform`` to the one before, on the
same frames, and prints frames/s and its ratio to the raw forward:

1. raw forward: VGG16 up to the layer on preprocessed float32 frames, ``tf.function``;
2. + preprocessing in the graph: uint8 frames in (cast, RGB to BGR, minus the means), the
   extractor's compiled function, its output cast to float32 and flattened;
3. + NumPy out: the extractor's ``__call__`` (the tensor to NumPy, copied into the output);
4. + decoding: ``transform`` of the video files (ffmpeg in a read-ahead thread).

    python benchmarks/profile_featurize.py                      # bfloat16, 6 clips
    python benchmarks/profile_featurize.py --compute-dtype float32 --batch-sizes 8 40
    python benchmarks/profile_featurize.py --smoke
"""

import argparse
import tempfile

import numpy as np
from _clips import add_clip_arguments, clip_paths, smoke_clips
from bench_featurize import timed

from skactrec import VGG16FrameFeaturizer, read_video
from skactrec.features._engines import get_extractor
from skactrec.utils._precision import COMPUTE_DTYPES


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_clip_arguments(parser, n_videos=6)
    parser.add_argument("--compute-dtype", default="bfloat16", choices=list(COMPUTE_DTYPES))
    parser.add_argument("--engine", default="tensorflow", choices=["tensorflow", "openvino"])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8, 40])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        smoke_clips(args)
    import keras
    import tensorflow as tf

    size = (args.frame_size, args.frame_size)
    with tempfile.TemporaryDirectory() as workdir:
        paths = clip_paths(args.videos, args.n_videos, args.n_frames, args.frame_size, workdir)
        frames = np.concatenate([read_video(p, n_frames=args.n_frames, frame_size=size)
                                 for p in paths])
        print(f"{len(paths)} videos x {args.n_frames} frames of {size} to {args.layer}, "
              f"{args.compute_dtype}, engine {args.engine}: frames/s, and / raw forward")
        x = keras.applications.vgg16.preprocess_input(frames.astype(np.float32))
        extractor = get_extractor(args.layer, size, None, None, args.compute_dtype, args.engine)
        keras.config.set_dtype_policy(COMPUTE_DTYPES[args.compute_dtype])
        base = keras.applications.VGG16(include_top=False, weights=None,
                                        input_shape=(*size, 3))
        keras.config.set_dtype_policy("float32")
        model = keras.Model(base.input, base.get_layer(args.layer).output)
        raw_forward = tf.function(lambda b: model(b, training=False))
        for batch_size in args.batch_sizes:
            profile(args, batch_size, (x, frames, paths), extractor, raw_forward)


def profile(args, batch_size, data, extractor, raw_forward):
    """Print each stage's frames/s at ``batch_size`` (``data``: preprocessed floats, uint8
    frames, paths)."""
    def batches(array, forward):
        for start in range(0, len(array), batch_size):
            forward(array[start:start + batch_size])

    featurizer = VGG16FrameFeaturizer(
        n_frames=args.n_frames, frame_size=args.frame_size, layer=args.layer, weights=None,
        compute_dtype=args.compute_dtype, engine=args.engine, batch_size=batch_size,
    ).fit(data[2])
    in_graph = extractor.forward if args.engine == "tensorflow" else extractor._run
    stages = {
        "raw forward": lambda d: batches(d[0], lambda b: raw_forward(b).numpy()),
        "+ preprocessing in the graph": lambda d: batches(d[1], in_graph),
        "+ NumPy out (extractor call)": lambda d: extractor(d[1], batch_size=batch_size),
        "+ decoding (transform of paths)": lambda d: featurizer.transform(d[2]),
    }
    warm = (data[0][:2 * batch_size], data[1][:2 * batch_size], data[2][:1])
    raw = None
    for name, run in stages.items():
        fps = len(data[1]) / timed(run, data, warm, args.repeats)
        raw = raw or fps
        print(f"  batch {batch_size:3d}  {name:<34} {fps:8.2f} frames/s  {fps / raw:5.2f}",
              flush=True)


if __name__ == "__main__":
    main()
