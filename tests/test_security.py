"""No shell ever sees user input; nothing the library reads is unpickled."""

import re
import shutil
from pathlib import Path

import numpy as np

import skactrec
from skactrec import VGG16FrameFeaturizer, read_video

PACKAGE = Path(skactrec.__file__).parent
# Calls that would hand a string to a shell, or unpickle data.
FORBIDDEN = re.compile(
    r"shell\s*=\s*True|os\.system\(|os\.popen\(|subprocess\.getoutput|subprocess\.getstatusoutput"
    r"|allow_pickle\s*=\s*True|pickle\.loads?\(|\beval\(|\bexec\("
)


def test_no_shell_and_no_unpickling_in_the_package():
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert not found, found


def test_shell_metacharacters_in_a_path_are_just_a_name(synthetic_videos, tmp_path):
    name = "a;touch PWNED;b $(touch PWNED2) `touch PWNED3` | cat > PWNED4 & x.mp4"
    video = tmp_path / name
    shutil.copyfile(synthetic_videos.filenames[0], video)
    frames = read_video(video, n_frames=2, frame_size=32)
    expected = read_video(synthetic_videos.filenames[0], n_frames=2, frame_size=32)
    np.testing.assert_array_equal(frames, expected)
    store = tmp_path / "store"
    VGG16FrameFeaturizer(n_frames=2, frame_size=32, layer="block1_pool", weights=None,
                         memory=store).fit_transform([video])
    assert not [p for p in tmp_path.parent.rglob("PWNED*")] and not list(Path.cwd().glob("PWNED*"))
    # the store's file names are hashes: nothing of the path reaches them
    for path in store.rglob("*"):
        assert re.fullmatch(r"[0-9a-f]+|[0-9a-f]+\.(npy|nz)|settings\.json|skactrec-features-v1",
                            path.name), path.name
