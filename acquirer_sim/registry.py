"""What the simulated host knows: merchants and the terminals registered to them.

The ISO 8583 server (an asyncio loop) and the management API (HTTP threads)
use one registry at the same time, hence the lock around every access.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from acquirer_sim.wire import check_kcv, check_mid, check_tid


@dataclass(frozen=True, slots=True)
class Merchant:
    mid: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class Terminal:
    tid: str
    mid: str
    kcv: str
    active: bool = True


class RegistryFileError(ValueError):
    """The registry file given at start cannot be read as a registry."""


def _check_active(active: object) -> bool:
    # bool is checked strictly: JSON 1 or "true" is far more likely a mistake
    # in a hand-written request than a wish to activate something.
    if not isinstance(active, bool):
        raise ValueError(f"active must be true or false, got {active!r}")
    return active


class Registry:
    """A thread-safe registry, saved to ``path`` after every change if given.

    A missing file is an empty registry (it is written on the first change);
    an unreadable one raises RegistryFileError at construction, so a typo in
    a hand-edited file stops the simulator instead of silently emptying it.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._lock = threading.Lock()
        self._merchants: dict[str, Merchant] = {}
        self._terminals: dict[str, Terminal] = {}
        self._path = Path(path) if path is not None else None
        if self._path is not None and self._path.exists():
            self._load(self._path)

    @property
    def path(self) -> Path | None:
        return self._path

    def put_merchant(self, mid: str, *, active: bool = True) -> Merchant:
        merchant = Merchant(mid=check_mid(mid), active=_check_active(active))
        with self._lock:
            self._merchants[merchant.mid] = merchant
            self._save()
        return merchant

    def get_merchant(self, mid: str) -> Merchant | None:
        with self._lock:
            return self._merchants.get(mid)

    def put_terminal(self, tid: str, *, mid: str, kcv: str, active: bool = True) -> Terminal:
        # The merchant need not be registered: a terminal of an unknown
        # merchant is exactly what a test of response code 03 sets up.
        terminal = Terminal(tid=check_tid(tid), mid=check_mid(mid), kcv=check_kcv(kcv), active=_check_active(active))
        with self._lock:
            self._terminals[terminal.tid] = terminal
            self._save()
        return terminal

    def get_terminal(self, tid: str) -> Terminal | None:
        with self._lock:
            return self._terminals.get(tid)

    def delete_terminal(self, tid: str) -> bool:
        """Forget a terminal; False if it was not registered."""
        with self._lock:
            if self._terminals.pop(tid, None) is None:
                return False
            self._save()
            return True

    def lookup(self, *, tid: str, mid: str) -> tuple[Terminal | None, Merchant | None]:
        """The terminal and merchant a sign-in names, read under one lock so a
        concurrent change cannot pair the old terminal with the new merchant."""
        with self._lock:
            return self._terminals.get(tid), self._merchants.get(mid)

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return self._to_json()

    def _to_json(self) -> dict[str, Any]:
        return {
            "merchants": {mid: {"active": m.active} for mid, m in sorted(self._merchants.items())},
            "terminals": {
                tid: {k: v for k, v in asdict(t).items() if k != "tid"} for tid, t in sorted(self._terminals.items())
            },
        }

    def _save(self) -> None:
        # Called with the lock held. Write-then-rename, so a crash mid-write
        # leaves the previous file rather than half a JSON document.
        if self._path is None:
            return
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=f".{self._path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self._to_json(), f, indent=2)
                f.write("\n")
            os.replace(tmp, self._path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or set(data) - {"merchants", "terminals"}:
                raise ValueError('expected an object with "merchants" and "terminals"')
            merchants = data.get("merchants", {})
            terminals = data.get("terminals", {})
            if not isinstance(merchants, dict) or not isinstance(terminals, dict):
                raise ValueError('"merchants" and "terminals" must be objects')
            for mid, entry in merchants.items():
                fields = check_keys(entry, required=set(), optional={"active"}, where=f"merchant {mid!r}")
                merchant = Merchant(mid=check_mid(mid), active=_check_active(fields.get("active", True)))
                self._merchants[merchant.mid] = merchant
            for tid, entry in terminals.items():
                fields = check_keys(entry, required={"mid", "kcv"}, optional={"active"}, where=f"terminal {tid!r}")
                terminal = Terminal(
                    tid=check_tid(tid),
                    mid=check_mid(fields["mid"]),
                    kcv=check_kcv(fields["kcv"]),
                    active=_check_active(fields.get("active", True)),
                )
                self._terminals[terminal.tid] = terminal
        except (OSError, ValueError) as exc:
            raise RegistryFileError(f"{path}: {exc}") from exc


def check_keys(entry: object, *, required: set[str], optional: set[str], where: str) -> dict[str, Any]:
    """Check that a JSON object has exactly the keys allowed (typos are errors)."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where} must be an object")
    if missing := required - set(entry):
        raise ValueError(f"{where} lacks {', '.join(sorted(missing))}")
    if unknown := set(entry) - required - optional:
        raise ValueError(f"{where} has unknown keys {', '.join(sorted(unknown))}")
    return entry
