"""The one-line hint of demo and reproduce when float32 leaves the machine's speed unused
(issue 13, item 5)."""

import logging

import pytest

from skactrec.utils import _hardware
from skactrec.utils._hardware import cpu_flags, faster_setting_hint


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx512f amx_bf16 amx_tile\nbugs\t: x\n")
    assert cpu_flags(cpuinfo) == {"fpu", "avx512f", "amx_bf16", "amx_tile"}
    assert cpu_flags(tmp_path / "absent") == set()


@pytest.mark.parametrize("flags, gpu, expected", [
    ({"amx_bf16", "avx512_bf16"}, False, "This CPU has AMX: --compute-dtype bfloat16 runs "
     "VGG16 about 6.2x faster"),
    ({"avx512_bf16"}, False, "This CPU has AVX512-BF16: --compute-dtype bfloat16 runs VGG16 "
     "about 2.0x faster"),
    ({"amx_bf16"}, True, "A GPU is present: --compute-dtype float16 runs VGG16 faster"),
    ({"avx2"}, False, None),
])
def test_hint_names_the_faster_setting(flags, gpu, expected):
    hint = faster_setting_hint("float32", flags=flags, gpu=gpu)
    assert (hint is None) if expected is None else hint.startswith(expected)


def test_no_hint_when_already_using_the_faster_setting():
    assert faster_setting_hint("bfloat16", flags={"amx_bf16"}, gpu=True) is None
    assert faster_setting_hint("float16", flags={"amx_bf16"}, gpu=True) is None


def test_the_hint_is_logged_for_float32_only(monkeypatch, caplog):
    monkeypatch.setattr(_hardware, "cpu_flags", lambda: {"amx_bf16"})
    monkeypatch.setattr(_hardware, "gpu_present", lambda: False)
    with caplog.at_level(logging.INFO, logger="skactrec"):
        _hardware.log_faster_setting("float32")
        _hardware.log_faster_setting("bfloat16")
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1 and messages[0].startswith("This CPU has AMX")
