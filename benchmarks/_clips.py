"""The videos the benchmarks featurize: real clips from ../shared, else synthetic ones."""

from pathlib import Path

import numpy as np

from skactrec.datasets import make_synthetic_videos

SHARED_VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "videos"


def clip_paths(folder, n_videos, n_frames, frame_size, workdir):
    """``n_videos`` paths: the clips of ``folder`` in turn, or synthetic clips if it is absent."""
    if Path(folder).is_dir():
        paths = sorted(str(p) for p in Path(folder).iterdir() if p.is_file())
    else:
        data = make_synthetic_videos(
            workdir, n_classes=2, n_groups=max(1, (n_videos + 1) // 2), n_videos_per_group=1,
            n_frames=n_frames, frame_size=max(frame_size, 64), random_state=0)
        paths = list(data.filenames)
    return [paths[i % len(paths)] for i in range(n_videos)]


def add_clip_arguments(parser, n_videos):
    """The options that choose the clips and the paper's frame settings (defaults: the
    paper's 40 frames of 224x224 and ``block5_pool``)."""
    parser.add_argument("--videos", type=Path, default=SHARED_VIDEOS,
                        help="folder of clips (default: ../shared/data/videos, else synthetic)")
    parser.add_argument("--n-videos", type=int, default=n_videos)
    parser.add_argument("--n-frames", type=int, default=40)
    parser.add_argument("--frame-size", type=int, default=224)
    parser.add_argument("--layer", default="block5_pool")


def smoke_clips(args):
    """The smallest clip settings, for a script's ``--smoke`` run."""
    args.n_videos, args.n_frames, args.frame_size = 2, 4, 32
    args.layer, args.batch_sizes = "block4_pool", [4]


def _unit_rows(features):
    rows = features.reshape(-1, features.shape[-1])
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def nearest_frames(queries, database):
    """Index in ``database`` of each query frame's nearest frame (cosine); a frame is not
    its own neighbour when ``queries is database``."""
    similarity = _unit_rows(queries) @ _unit_rows(database).T
    if queries is database:
        np.fill_diagonal(similarity, -np.inf)
    return similarity.argmax(axis=1)


def same_clip_rate(queries, database, n_frames):
    """Share of query frames whose nearest database frame is of the same clip; features
    ``(n_clips * n_frames, n_features)`` or ``(n_clips, n_frames, n_features)``."""
    clip = np.repeat(np.arange(len(_unit_rows(queries)) // n_frames), n_frames)
    return float(np.mean(clip[nearest_frames(queries, database)] == clip))
