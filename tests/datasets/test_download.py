"""Tests of skactrec.datasets._download: retries, SHA-256 check, nothing half-written."""

import hashlib

import pytest

from skactrec.datasets._download import fetch_file

PAYLOAD = b"KTH-like payload " * 1000


def test_download_with_checksum(http_server, tmp_path):
    http_server.files["/a.bin"] = PAYLOAD
    target = tmp_path / "sub" / "a.bin"  # its folder is created
    path = fetch_file(f"{http_server.url}/a.bin", target,
                      sha256=hashlib.sha256(PAYLOAD).hexdigest())
    assert path == target and target.read_bytes() == PAYLOAD
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.bin"]  # no temporary left


def test_retries_after_a_failure(http_server, tmp_path):
    http_server.files["/a.bin"] = PAYLOAD
    http_server.failures["/a.bin"] = 2
    fetch_file(f"{http_server.url}/a.bin", tmp_path / "a.bin", n_retries=2, delay=0)
    assert (tmp_path / "a.bin").read_bytes() == PAYLOAD
    assert http_server.requests == ["/a.bin"] * 3


def test_gives_up_after_the_retries_naming_url_and_target(http_server, tmp_path):
    http_server.files["/a.bin"] = PAYLOAD
    http_server.failures["/a.bin"] = 3
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    url = f"{http_server.url}/a.bin"
    with pytest.raises(OSError, match=r"(?s)3 attempt.*503.*by hand") as info:
        fetch_file(url, target, n_retries=2, delay=0)
    assert url in str(info.value) and str(target) in str(info.value)
    assert http_server.requests == ["/a.bin"] * 3
    assert target.read_bytes() == b"old"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]


def test_checksum_mismatch_leaves_nothing(http_server, tmp_path):
    http_server.files["/a.bin"] = PAYLOAD
    target = tmp_path / "a.bin"
    with pytest.raises(OSError, match="SHA-256") as info:
        fetch_file(f"{http_server.url}/a.bin", target, sha256="0" * 64, n_retries=3, delay=0)
    assert str(target) in str(info.value)
    assert list(tmp_path.iterdir()) == []
    assert http_server.requests == ["/a.bin"]  # a mismatch is not retried


def test_unreachable_server(tmp_path):
    # Port 9 on 127.0.0.1 ("discard"): nothing listens there in a test environment.
    with pytest.raises(OSError, match="Could not download http://127.0.0.1:9/x"):
        fetch_file("http://127.0.0.1:9/x", tmp_path / "x", n_retries=1, delay=0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kwargs", [{"n_retries": -1}, {"n_retries": 1.5}, {"delay": -1}])
def test_invalid_arguments(tmp_path, kwargs):
    with pytest.raises(ValueError):
        fetch_file("http://127.0.0.1:9/x", tmp_path / "x", **kwargs)
