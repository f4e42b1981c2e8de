"""What this machine computes fastest, told in one line when float32 leaves speed unused.

The figures are VGG16 frames per second at the paper's geometry (``block5_pool``, 224x224),
measured by ``benchmarks/bench_featurize.py`` and kept in ``benchmarks/RESULTS.md``.
"""

import logging
from pathlib import Path

# (CPU flag or "gpu", what it is, the faster setting, times faster than float32, where measured)
_FASTER_THAN_FLOAT32 = (
    ("gpu", "A GPU is present", "float16", None,
     "on its tensor cores; not yet measured by skactrec's benchmarks"),
    ("amx_bf16", "This CPU has AMX", "bfloat16", 6.2,
     "64.9 against 10.4 frames/s on 2 cores of an Intel Xeon with AMX"),
    ("avx512_bf16", "This CPU has AVX512-BF16", "bfloat16", 2.0,
     "13.6 against 6.8 frames/s on 2 cores of an AMD EPYC"),
)


def cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The CPU's feature flags (``lscpu``'s "Flags"), or an empty set where not on Linux."""
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def gpu_present():
    """Whether TensorFlow sees a GPU (imports TensorFlow)."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def faster_setting_hint(compute_dtype, flags=None, gpu=None):
    """One line saying which ``compute_dtype`` is faster here and by how much, when
    ``compute_dtype`` is ``"float32"`` and the machine has better; else None.

    Examples
    --------
    >>> from skactrec.utils._hardware import faster_setting_hint
    >>> print(faster_setting_hint("float32", flags={"avx512f", "amx_bf16"}, gpu=False))
    This CPU has AMX: --compute-dtype bfloat16 runs VGG16 about 6.2x faster than float32
    (64.9 against 10.4 frames/s on 2 cores of an Intel Xeon with AMX), for features within
    1% of float32's; the paper's is float32.
    >>> faster_setting_hint("bfloat16", flags={"amx_bf16"}, gpu=False) is None
    True
    """
    if compute_dtype != "float32":
        return None
    flags = cpu_flags() if flags is None else flags
    gpu = gpu_present() if gpu is None else gpu
    for flag, what, setting, speedup, measured in _FASTER_THAN_FLOAT32:
        if (flag == "gpu" and gpu) or flag in flags:
            how_much = "faster" if speedup is None else f"about {speedup:.1f}x faster"
            return (f"{what}: --compute-dtype {setting} runs VGG16 {how_much} than float32 "
                    f"({measured}), for features within 1% of float32's; the paper's is "
                    "float32.")
    return None


def log_faster_setting(compute_dtype):
    """Log :func:`faster_setting_hint` at INFO level on the ``skactrec`` logger (which the
    command line shows unless ``--quiet``), if there is one."""
    hint = faster_setting_hint(compute_dtype)
    if hint is not None:
        logging.getLogger("skactrec").info(hint)
