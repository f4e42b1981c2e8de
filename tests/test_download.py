"""Tests of skactrec.datasets._download: retries, SHA-256 check, nothing half-written."""

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from skactrec.datasets._download import fetch_file

PAYLOAD = b"KTH-like payload " * 1000


@pytest.fixture
def server():
    """A local HTTP server: ``server.files[path] = bytes``; ``server.failures[path] = n``
    answers 503 to the first ``n`` requests of ``path``; ``server.requests`` logs paths."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            httpd.requests.append(self.path)
            if httpd.failures.get(self.path, 0) > 0:
                httpd.failures[self.path] -= 1
                self.send_error(503)
                return
            body = httpd.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.files, httpd.failures, httpd.requests = {}, {}, []
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_download_with_checksum(server, tmp_path):
    server.files["/a.bin"] = PAYLOAD
    target = tmp_path / "sub" / "a.bin"  # its folder is created
    path = fetch_file(f"{server.url}/a.bin", target, sha256=hashlib.sha256(PAYLOAD).hexdigest())
    assert path == target and target.read_bytes() == PAYLOAD
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.bin"]  # no temporary left


def test_retries_after_a_failure(server, tmp_path):
    server.files["/a.bin"] = PAYLOAD
    server.failures["/a.bin"] = 2
    fetch_file(f"{server.url}/a.bin", tmp_path / "a.bin", n_retries=2, delay=0)
    assert (tmp_path / "a.bin").read_bytes() == PAYLOAD
    assert server.requests == ["/a.bin"] * 3


def test_gives_up_after_the_retries_naming_url_and_target(server, tmp_path):
    server.files["/a.bin"] = PAYLOAD
    server.failures["/a.bin"] = 3
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    url = f"{server.url}/a.bin"
    with pytest.raises(OSError, match=r"(?s)3 attempt.*503.*by hand") as info:
        fetch_file(url, target, n_retries=2, delay=0)
    assert url in str(info.value) and str(target) in str(info.value)
    assert server.requests == ["/a.bin"] * 3
    assert target.read_bytes() == b"old"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]


def test_checksum_mismatch_leaves_nothing(server, tmp_path):
    server.files["/a.bin"] = PAYLOAD
    target = tmp_path / "a.bin"
    with pytest.raises(OSError, match="SHA-256") as info:
        fetch_file(f"{server.url}/a.bin", target, sha256="0" * 64, n_retries=3, delay=0)
    assert str(target) in str(info.value)
    assert list(tmp_path.iterdir()) == []
    assert server.requests == ["/a.bin"]  # a mismatch is not retried


def test_unreachable_server(tmp_path):
    # Port 9 on 127.0.0.1 ("discard"): nothing listens there in a test environment.
    with pytest.raises(OSError, match="Could not download http://127.0.0.1:9/x"):
        fetch_file("http://127.0.0.1:9/x", tmp_path / "x", n_retries=1, delay=0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kwargs", [{"n_retries": -1}, {"n_retries": 1.5}, {"delay": -1}])
def test_invalid_arguments(tmp_path, kwargs):
    with pytest.raises(ValueError):
        fetch_file("http://127.0.0.1:9/x", tmp_path / "x", **kwargs)
