"""The videos the benchmarks featurize: real clips from ../shared, else synthetic ones."""

from pathlib import Path

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
