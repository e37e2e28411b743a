"""``python -m acquirer_sim`` as a separate process, the way the Makefile runs it."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from acquirer_sim.client import sign_in

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
TID = "10000001"
MID = "898621045311234"
LISTENING = re.compile(r"acquirer_sim listening iso=127\.0\.0\.1:(\d+) admin=127\.0\.0\.1:(\d+)\n")


def spawn(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "acquirer_sim", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_line(proc: subprocess.Popen[str], timeout: float = 10) -> str:
    # readline() has no timeout of its own; a thread keeps a broken start from hanging.
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not line:
        proc.kill()
        pytest.fail(f"no line from the simulator within {timeout}s")
    return line[0]


def stop(proc: subprocess.Popen[str], signum: int = signal.SIGTERM) -> int:
    if proc.poll() is None:
        proc.send_signal(signum)
    try:
        return proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
        raise
    finally:
        proc.stdout.close()
        proc.stderr.close()


def put(admin_port: int, path: str, body: dict[str, object]) -> None:
    connection = http.client.HTTPConnection(HOST, admin_port, timeout=5)
    try:
        connection.request("PUT", path, body=json.dumps(body))
        response = connection.getresponse()
        assert response.status == 200, response.read()
    finally:
        connection.close()


@pytest.fixture
def started() -> Iterator[tuple[subprocess.Popen[str], int, int]]:
    proc = spawn("--port", "0", "--admin-port", "0")
    try:
        match = LISTENING.fullmatch(read_line(proc))
        assert match, "unexpected first line"
        yield proc, int(match[1]), int(match[2])
    finally:
        stop(proc)


def test_it_prints_the_ports_it_picked_and_answers_sign_ins_on_them(started) -> None:
    proc, iso_port, admin_port = started
    put(admin_port, f"/merchants/{MID}", {"active": True})
    put(admin_port, f"/terminals/{TID}", {"mid": MID, "kcv": "ABC123", "active": True})

    assert sign_in(HOST, iso_port, tid=TID, mid=MID, kcv="ABC123") == "00"
    assert stop(proc) == 0


def test_it_stops_cleanly_on_sigterm_and_logs_masked_sign_ins(started) -> None:
    proc, iso_port, _ = started
    sign_in(HOST, iso_port, tid=TID, mid=MID, kcv="ABC123")

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    log = proc.stderr.read()
    assert "tid=10000001 mid=8986****1234" in log and "code=97" in log
    assert MID not in log and "ABC123" not in log


def test_it_stops_cleanly_on_sigint(started) -> None:
    proc, _, _ = started

    assert stop(proc, signal.SIGINT) == 0


def test_it_loads_its_registry_file_and_saves_changes_to_it(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"merchants": {MID: {}}, "terminals": {TID: {"mid": MID, "kcv": "ABC123"}}}))
    proc = spawn("--port", "0", "--admin-port", "0", "--registry", str(path))
    try:
        iso_port, admin_port = LISTENING.fullmatch(read_line(proc)).groups()

        assert sign_in(HOST, int(iso_port), tid=TID, mid=MID, kcv="ABC123") == "00"
        put(int(admin_port), f"/merchants/{MID}", {"active": False})
    finally:
        assert stop(proc) == 0

    assert json.loads(path.read_text())["merchants"] == {MID: {"active": False}}


def test_it_exits_2_on_a_registry_file_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_text("{")
    proc = spawn("--port", "0", "--admin-port", "0", "--registry", str(path))

    assert proc.wait(timeout=10) == 2
    assert str(path) in proc.stderr.read()
    stop(proc)


def test_it_exits_1_when_its_port_is_taken() -> None:
    with socket.create_server((HOST, 0)) as taken:
        port = str(taken.getsockname()[1])
        proc = spawn("--port", port, "--admin-port", "0")

        assert proc.wait(timeout=10) == 1
        assert "cannot listen" in proc.stderr.read()
        stop(proc)
