"""The PWA's catch-all route serves only the files of the build (issue 12, item 15): traversal, encoded
traversal, dotfiles and symbolic links out of dist are refused, client-side routes get the shell."""

from __future__ import annotations

import os

import pytest

SHELL = b"<!doctype html><html><head><style>.boot{color:red}</style></head><body>shell</body></html>"
SECRET = b"SECRET-OUTSIDE-DIST"


@pytest.fixture
def dist(app, tmp_path, monkeypatch):
    """A small build in a temporary folder, with a secret beside it and traps inside it."""
    (tmp_path / "secret.txt").write_bytes(SECRET)
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_bytes(SHELL)
    (root / "sw.js").write_bytes(b"self.addEventListener('fetch', () => {})")
    (root / "assets" / "index-AbC123.js").write_bytes(b"console.log('app')")
    (root / ".env").write_bytes(SECRET)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_bytes(SECRET)
    os.symlink(tmp_path / "secret.txt", root / "linked.txt")
    os.symlink(tmp_path, root / "up")
    monkeypatch.setitem(app.config, "PWA_DIST", str(root))
    return root


def test_the_build_is_served_with_its_caching(client, dist):
    shell = client.get("/")
    assert shell.status_code == 200 and shell.data == SHELL and shell.headers["Cache-Control"] == "no-cache"
    assert client.get("/inspector/tasks/12").data == SHELL  # a client-side route
    assert client.get("/inspector/tasks/").data == SHELL
    assert client.get("/index.html").data == SHELL
    again = client.get("/", headers={"If-None-Match": shell.headers["ETag"]})
    assert again.status_code == 304
    asset = client.get("/assets/index-AbC123.js")
    assert asset.status_code == 200 and asset.data == b"console.log('app')"
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"
    assert client.get("/assets/missing-000.js").status_code == 404


@pytest.mark.parametrize(
    "probe",
    [
        "/.env",
        "/.git/config",
        "/linked.txt",
        "/up/secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/assets/%2e%2e%5c%2e%2e%5csecret",
        "/assets/./index-AbC123.js",
    ],
)
def test_probes_reach_nothing_outside_the_build(client, dist, probe):
    response = client.get(probe)
    assert SECRET not in response.data
    assert response.status_code == 404, (probe, response.status_code, response.data[:80])
    assert response.get_json()["error"] == "request.not_found"


def test_a_linked_folder_is_only_a_client_side_route(client, dist):
    """`/up` names no file of the build: like any route, it gets the shell, never the folder."""
    assert client.get("/up").data == SHELL
    assert client.get("/up/secret.txt").status_code == 404


def test_nul_in_a_pwa_path_is_a_400(client, dist):
    response = client.get("/assets/index-AbC123.js%00.png")
    assert response.status_code == 400 and response.get_json()["error"] == "request.malformed"


def test_a_rebuild_is_picked_up(client, dist):
    assert client.get("/assets/index-New456.js").status_code == 404
    (dist / "assets" / "index-New456.js").write_bytes(b"new")
    (dist / "index.html").write_bytes(SHELL.replace(b"shell", b"rebuilt"))
    assert client.get("/assets/index-New456.js").data == b"new"
    assert b"rebuilt" in client.get("/").data
