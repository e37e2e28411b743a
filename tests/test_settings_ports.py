"""`make run` moves its processes with WEB_PORT, ACQUIRER_PORT and ACQUIRER_ADMIN_PORT
(Procfile.dev): the portal must then look for the acquirer simulator where it was started."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READ = "import json; from pos_portal import settings as s; print(json.dumps([s.ACQUIRER_PORT, s.ACQUIRER_ADMIN_URL]))"


def settings_with(**env: str) -> list:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ACQUIRER_")}
    out = subprocess.run([sys.executable, "-c", READ], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, [5800, "http://127.0.0.1:5801"]),
        ({"ACQUIRER_PORT": "8171", "ACQUIRER_ADMIN_PORT": "8172"}, [8171, "http://127.0.0.1:8172"]),
        (
            {"ACQUIRER_ADMIN_PORT": "8172", "ACQUIRER_ADMIN_URL": "http://acq.example:9000"},
            [5800, "http://acq.example:9000"],
        ),
    ],
)
def test_the_portal_finds_the_simulator_s_admin_api_on_the_port_make_run_gave_it(env, expected):
    assert settings_with(**env) == expected
