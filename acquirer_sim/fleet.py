"""Fleet mode: play a fleet of live terminals against the portal's device API.

Each simulated terminal sends what a real one sends: heartbeats carrying its
configuration, the answers of its sign-ins and the response codes of its
transactions. A terminal's *scenario* decides what goes wrong:

| scenario      | what it reports                                                            |
|---------------|----------------------------------------------------------------------------|
| `healthy`     | heartbeat, sign-in `00`, a sale `00`                                       |
| `code:XX`     | heartbeat, then sign-in and sale answered `XX` (e.g. `code:97`)            |
| `host-errors` | heartbeat, then sales answered `96` (a host or gateway problem)            |
| `drift`       | heartbeat with another host port than the one configured                   |
| `wrong-tid`   | a mistyped terminal ID: its sign-ins answer 97 until support re-sends the configuration |
| `silent`      | nothing at all (a terminal switched off)                                   |
| `host`        | sign-in for real against the simulator's ISO 8583 port; reports its answer |

The answer to each report may carry commands from support (`sign_in`,
`resend_configuration`); the terminal obeys them in the same round, as a real one
would on its next contact.

No Django here: this talks HTTP to the portal like a terminal does.

    python -m acquirer_sim fleet --portal http://127.0.0.1:8000 --fleet fleet.json [--rounds 3] [--interval 5]

(`python -m acquirer_sim.fleet` works too.)

`fleet.json` is written by `manage.py demo_fleet_file` (it issues the tokens and hands over
each terminal's signing secret, with which every request is signed):

    {"terminals": [{"serial": "SN1", "token": "...", "secret": "...", "tid": "10000001", "mid": "898...",
                    "host": "127.0.0.1", "port": 5800, "kcv": "ABC123", "scenario": "healthy"}]}
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

REPORTS_PATH = "/terminals/api/v1/reports"
SCENARIOS = ("healthy", "drift", "silent", "host-errors", "host", "wrong-tid")


@dataclass
class FleetTerminal:
    serial: str
    token: str
    secret: str
    tid: str
    mid: str
    host: str
    port: int
    kcv: str
    scenario: str = "healthy"
    # What the terminal currently holds: support's re-sent configuration replaces it.
    config: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (self.scenario in SCENARIOS or _code_of(self.scenario)):
            raise ValueError(f"unknown scenario {self.scenario!r} for terminal {self.serial}")
        if not self.config:
            self.config = {"tid": self.tid, "mid": self.mid, "host": self.host, "port": self.port, "kcv": self.kcv}
            if self.scenario == "drift":
                self.config["port"] = self.port + 1
            if self.scenario == "wrong-tid":
                self.config["tid"] = _mistyped(self.tid)


def _mistyped(tid: str) -> str:
    """The TID with its last two characters swapped (or its last digit changed): a typo on the keypad."""
    swapped = tid[:-2] + tid[-1] + tid[-2]
    if swapped != tid:
        return swapped
    last = tid[-1]
    return tid[:-1] + ("1" if last != "1" else "2")


def _code_of(scenario: str) -> str:
    if scenario.startswith("code:") and len(scenario) == 7:
        return scenario[5:].upper()
    return ""


@dataclass(frozen=True)
class Sent:
    serial: str
    kind: str
    status: int
    body: dict[str, Any]


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """X-Device-Signature: HMAC-SHA256 under the terminal's secret of timestamp, nonce and body."""
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class DeviceApi:
    """The portal's device API as a terminal sees it: token, timestamp, fresh nonce, signature."""

    def __init__(self, portal: str, *, timeout: float = 5.0, clock: Callable[[], float] = time.time) -> None:
        self.url = portal.rstrip("/") + REPORTS_PATH
        self.timeout = timeout
        self.clock = clock

    def send(self, token: str, secret: str, report: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = json.dumps(report).encode()
        timestamp, nonce = str(int(self.clock())), secrets.token_hex(16)
        request = urllib.request.Request(  # noqa: S310 - the portal URL is the operator's
            self.url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "X-Device-Timestamp": timestamp,
                "X-Device-Nonce": nonce,
                "X-Device-Signature": signature(secret, timestamp, nonce, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                return exc.code, json.loads(exc.read() or b"{}")
            except ValueError:
                return exc.code, {}
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            # One terminal's network trouble must not end the whole fleet's run: status 0 says "no answer".
            return 0, {"error": str(exc)}


def report(
    kind: str, *, code: str = "", config: dict[str, Any] | None = None, now: datetime | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": uuid.uuid4().hex,
        "kind": kind,
        "at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    }
    if code:
        body["response_code"] = code
    if config:
        body["config"] = config
    return body


def _host_signin(terminal: FleetTerminal, iso: tuple[str, int] | None) -> str:
    """Sign in for real at the simulator's ISO 8583 port; '98' (timeout) when it cannot be reached."""
    if iso is None:
        return "00"
    from acquirer_sim.client import sign_in  # the simulator's reference client (pyiso8583)

    try:
        return sign_in(
            iso[0], iso[1], tid=terminal.config["tid"], mid=terminal.config["mid"], kcv=terminal.config["kcv"]
        )
    except OSError:
        return "98"


def play_round(terminals: list[FleetTerminal], api: DeviceApi, *, iso: tuple[str, int] | None = None) -> list[Sent]:
    """One round: every terminal reports once per kind its scenario calls for."""
    sent: list[Sent] = []

    def send(terminal: FleetTerminal, kind: str, code: str = "", config: dict[str, Any] | None = None) -> None:
        status, body = api.send(terminal.token, terminal.secret, report(kind, code=code, config=config))
        sent.append(Sent(terminal.serial, kind, status, body))
        for command in body.get("commands", []):
            obey(terminal, command)

    def obey(terminal: FleetTerminal, command: dict[str, Any]) -> None:
        if command.get("kind") == "resend_configuration":
            terminal.config.update(command.get("payload") or {})
            if terminal.scenario in ("drift", "wrong-tid"):
                terminal.scenario = "host" if iso else "healthy"
            send(terminal, "heartbeat", config=dict(terminal.config))
        elif command.get("kind") == "sign_in":
            send(terminal, "signin", code=signin_code(terminal))

    def signin_code(terminal: FleetTerminal) -> str:
        if terminal.scenario == "host" or (terminal.scenario == "wrong-tid" and iso):
            return _host_signin(terminal, iso)
        if terminal.scenario == "wrong-tid":
            return "97"  # what a host answers an unknown TID
        return _code_of(terminal.scenario) or "00"

    for terminal in terminals:
        if terminal.scenario == "silent":
            continue
        send(terminal, "heartbeat", config=dict(terminal.config))
        if terminal.scenario == "host-errors":
            send(terminal, "transaction", code="96")
            continue
        code = signin_code(terminal)
        send(terminal, "signin", code=code)
        send(terminal, "transaction", code=code)
    return sent


def load_fleet(path: str) -> list[FleetTerminal]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return [FleetTerminal(**entry) for entry in data["terminals"]]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m acquirer_sim fleet",
        description="Play a fleet of POS terminals against the portal's device API.",
    )
    parser.add_argument("--portal", required=True, help="the portal's base URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("--fleet", required=True, help="JSON file of terminals (manage.py demo_fleet_file)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds to play (0: until interrupted)")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between rounds")
    parser.add_argument("--iso", help="HOST:PORT of the simulator's ISO 8583 port, for the 'host' scenario")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    terminals = load_fleet(args.fleet)
    iso = None
    if args.iso:
        host, _sep, port = args.iso.rpartition(":")
        iso = (host, int(port))
    api = DeviceApi(args.portal)
    played = 0
    try:
        while args.rounds == 0 or played < args.rounds:
            if played:
                time.sleep(args.interval)
            for item in play_round(terminals, api, iso=iso):
                print(f"{item.serial} {item.kind} -> {item.status} {item.body.get('error', '')}".rstrip(), flush=True)
            played += 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
