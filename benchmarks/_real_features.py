"""Real VGG16 features for the benchmarks that need their zeros: ImageNet's ``block5_pool``
of the frames of ../shared's clips, computed once and kept in a cache folder.

Videos of the paper's 40 frames are windows of these frames (a window starting every few
frames of a clip), so any number of videos can be had from the few clips there are;
their density (share of nonzeros) is that of real frames, about 0.1. Denser features are
made from them by giving zeros a small positive value at random, which keeps the real
values and where they are.
"""

import os
from pathlib import Path

import numpy as np
from _clips import SHARED_VIDEOS

FRAMES_PER_CLIP = 120
CACHE = Path(os.environ.get("SKACTREC_BENCH_CACHE", "~/.cache/skactrec-bench")).expanduser()


def clip_features(videos=SHARED_VIDEOS, frames_per_clip=FRAMES_PER_CLIP):
    """A list of ``(frames, 25088)`` float32 arrays: ImageNet's ``block5_pool`` features of
    up to ``frames_per_clip`` frames (uniformly spaced) of each clip of ``videos``.

    The first call featurizes (about 2 minutes per 1000 frames in float32 on 2 cores) and
    writes ``$SKACTREC_BENCH_CACHE`` (default ``~/.cache/skactrec-bench``); later calls
    read it. Needs ImageNet's weights in Keras's cache (``skactrec weights``).
    """
    from skactrec import VGG16FrameFeaturizer

    paths = sorted(p for p in Path(videos).iterdir() if p.is_file()) if Path(
        videos).is_dir() else []
    if not paths:
        raise SystemExit(f"no clips in {videos}: real features need real frames")
    cache = CACHE / f"block5_pool_{frames_per_clip}"
    cache.mkdir(parents=True, exist_ok=True)
    featurizer = VGG16FrameFeaturizer(n_frames=frames_per_clip, sampling="uniform",
                                      memory=str(cache), verbose=1)
    return [np.asarray(video, np.float32) for video in featurizer.fit_transform(
        [str(p) for p in paths])]


def real_videos(n_videos, n_frames=40, stride=5, clips=None):
    """``(n_videos, n_frames, 25088)`` float32: windows of ``n_frames`` consecutive frames
    of the clips' features, starting every ``stride`` frames, the clips in turn."""
    clips = clip_features() if clips is None else clips
    windows = [(c, s) for c, clip in enumerate(clips)
               for s in range(0, len(clip) - n_frames + 1, stride)]
    order = np.random.default_rng(0).permutation(len(windows))
    X = np.empty((n_videos, n_frames, clips[0].shape[1]), np.float32)
    for i in range(n_videos):
        c, s = windows[order[i % len(windows)]]
        X[i] = clips[c][s : s + n_frames]
    return X


def densified(X, density, seed=0):
    """X with zeros set to 0.5 at random until about ``density`` of it is nonzero (X itself
    if it is already as dense); the nonzeros of X are kept."""
    current = np.count_nonzero(X) / X.size
    if density <= current:
        return X
    rng = np.random.default_rng(seed)
    out = X.copy()
    share = (density - current) / (1 - current)
    for video in out:  # a video at a time: the mask of all of X would be 4 bytes a value
        fill = (video == 0) & (rng.random(video.shape, dtype=np.float32) < share)
        video[fill] = 0.5
    return out
