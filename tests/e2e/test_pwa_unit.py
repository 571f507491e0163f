"""Runs the PWA's own unit tests (vitest: db, outbox, API client, update prompt) inside pytest, so
`make test` covers them. Output stays short: the tail of vitest's report only on failure."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.e2e.conftest import ROOT

PWA = ROOT / "pwa"


def test_vitest_suite_passes():
    if not (PWA / "node_modules" / ".bin" / "vitest").exists():
        pytest.fail("pwa/node_modules is missing: run `npm --prefix pwa ci` (make pwa)", pytrace=False)
    npm = shutil.which("npm")
    assert npm, "npm is not installed (Node 20 + npm 11)"
    done = subprocess.run(
        [npm, "--prefix", str(PWA), "test", "--silent", "--", "--reporter=dot"],
        env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", "CI": "1"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    if done.returncode != 0:
        pytest.fail("vitest failed:\n" + "\n".join(output.splitlines()[-60:]), pytrace=False)
    assert re.search(r"Tests\s+\d+ passed", output), output[-2000:]
