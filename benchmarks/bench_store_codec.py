"""The feature store on ImageNet's features of real clips: ``.npy`` against lossless codecs.

ImageNet's ``block5_pool`` features of real frames are mostly zeros (ReLU, then max
pooling). Each clip of ``../shared/data/videos`` is featurized at the paper's geometry (40
frames of 224x224, 7x7x512 = 25088 features a frame, float32) with ImageNet's weights,
then written in each format:

* ``npy``: the store's format today (``np.save``);
* ``npz-zlib``: ``np.savez_compressed`` (zlib, the standard codec NumPy offers);
* ``bitmask``: zero-run encoding as a bit per value (``np.packbits`` of ``x != 0``) and
  the non-zero values, in an uncompressed ``.npz``;
* ``nonzeros``: the store's format since this measure (``skactrec.features._nonzeros``):
  the non-zero values and their flat positions (uint32), after a small header, in one
  raw file.

For each: bytes on disk per video, and the time to read an entry back into a float32
array, from the page cache (warm: the median over repeated reads) and from the disk
(cold: the file dropped from the page cache by ``posix_fadvise(DONTNEED)`` before each
read). Every format is checked to give back the same array bit for bit.

Target (to adopt a codec): at least 3x smaller than ``npy`` for at most 10% more read time.

    python benchmarks/bench_store_codec.py                 # needs weights="imagenet"
    python benchmarks/bench_store_codec.py --smoke         # seconds; random weights
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from _clips import add_clip_arguments, clip_paths, smoke_clips

from skactrec import VGG16FrameFeaturizer
from skactrec.features._nonzeros import decode_nonzeros, encode_nonzeros


def _write_npy(path, x):
    np.save(path, x, allow_pickle=False)


def _read_npy(path, shape):
    return np.load(path, allow_pickle=False)


def _write_npz_zlib(path, x):
    np.savez_compressed(path, features=x)


def _read_npz_zlib(path, shape):
    with np.load(path, allow_pickle=False) as archive:
        return archive["features"]


def _write_bitmask(path, x):
    nonzero = x != 0
    np.savez(path, shape=np.array(x.shape), mask=np.packbits(nonzero, axis=None),
             values=x[nonzero])


def _read_bitmask(path, shape):
    with np.load(path, allow_pickle=False) as archive:
        shape, mask, values = archive["shape"], archive["mask"], archive["values"]
    size = int(np.prod(shape))
    out = np.zeros(size, values.dtype)
    out[np.unpackbits(mask, count=size).view(bool)] = values
    return out.reshape(shape)


def _write_nonzeros(path, x):
    encoded = encode_nonzeros(x)
    assert encoded is not None, "features too dense for the non-zeros format"
    Path(path).write_bytes(encoded)


def _read_nonzeros(path, shape):
    return decode_nonzeros(Path(path).read_bytes(), shape, np.float32)


CODECS = {
    "npy": (".npy", _write_npy, _read_npy),
    "npz-zlib": (".npz", _write_npz_zlib, _read_npz_zlib),
    "bitmask": (".npz", _write_bitmask, _read_bitmask),
    "nonzeros": (".nz", _write_nonzeros, _read_nonzeros),
}


def _drop_from_page_cache(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def read_times(paths, read, shape, repeats):
    """(warm, cold) median seconds to read one entry."""
    warm, cold = [], []
    for path in paths:
        read(path, shape)
        for _ in range(repeats):
            start = time.perf_counter()
            read(path, shape)
            warm.append(time.perf_counter() - start)
        for _ in range(max(1, repeats // 3)):
            _drop_from_page_cache(path)
            start = time.perf_counter()
            read(path, shape)
            cold.append(time.perf_counter() - start)
    return statistics.median(warm), statistics.median(cold)


def codec_table(features, folder, repeats):
    rows = {}
    for name, (suffix, write, read) in CODECS.items():
        paths = []
        for i, x in enumerate(features):
            path = Path(folder) / f"{name}-{i}{suffix}"
            write(path, x)
            assert np.array_equal(read(path, x.shape), x), f"{name} is not lossless"
            paths.append(path)
        size = statistics.mean(p.stat().st_size for p in paths)
        rows[name] = (size, *read_times(paths, read, features[0].shape, repeats))
    base_size, base_warm, base_cold = rows["npy"]
    print(f"{'format':10} {'MB/video':>9} {'smaller':>8} {'read warm':>10} {'x npy':>6} "
          f"{'read cold':>10} {'x npy':>6}")
    for name, (size, warm, cold) in rows.items():
        print(f"{name:10} {size / 1e6:9.3f} {base_size / size:7.2f}x {warm * 1e3:8.2f}ms "
              f"{warm / base_warm:6.2f} {cold * 1e3:8.2f}ms {cold / base_cold:6.2f}")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_clip_arguments(parser, n_videos=8)
    parser.add_argument("--weights", default="imagenet",
                        help="VGG16 weights (default: imagenet, from Keras's cache)")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        smoke_clips(args)
        args.weights, args.repeats = None, 3
    with tempfile.TemporaryDirectory() as folder:
        videos = clip_paths(args.videos, args.n_videos, args.n_frames, args.frame_size, folder)
        featurizer = VGG16FrameFeaturizer(weights=args.weights, layer=args.layer,
                                          n_frames=args.n_frames, frame_size=args.frame_size)
        features = featurizer.fit_transform(videos)
        if args.smoke:  # random weights' features are dense: make them ImageNet-like
            features[features < np.quantile(features, 0.9)] = 0
        zeros = float((features == 0).mean())
        print(f"{len(videos)} clips, {args.n_frames} frames of {args.frame_size}x"
              f"{args.frame_size}, {args.layer} ({features.shape[-1]} features), weights="
              f"{args.weights}: {zeros:.1%} of the values are zeros")
        rows = codec_table(list(features), folder, args.repeats)
    base_size, base_warm, base_cold = rows["npy"]
    for name, (size, warm, cold) in rows.items():
        if name != "npy":
            print(f"target {name}: {base_size / size:.2f}x smaller (>= 3), read "
                  f"{warm / base_warm - 1:+.0%} warm, {cold / base_cold - 1:+.0%} cold "
                  f"(<= +10%)")


if __name__ == "__main__":
    main()
