"""The in-memory registry, its validation and its JSON file."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from acquirer_sim.registry import Merchant, Registry, RegistryFileError, Terminal

TID = "10000001"
MID = "898621045311234"


def test_it_stores_the_kcv_in_capitals() -> None:
    registry = Registry()

    assert registry.put_terminal(TID, mid=MID, kcv="abc123").kcv == "ABC123"


def test_it_looks_up_the_terminal_and_merchant_a_sign_in_names() -> None:
    registry = Registry()
    registry.put_merchant(MID)
    registry.put_terminal(TID, mid=MID, kcv="ABC123", active=False)

    assert registry.lookup(tid=TID, mid=MID) == (
        Terminal(tid=TID, mid=MID, kcv="ABC123", active=False),
        Merchant(mid=MID),
    )
    assert registry.lookup(tid="10000002", mid="000000000000000") == (None, None)


@pytest.mark.parametrize(
    ("call", "complaint"),
    [
        (lambda r: r.put_merchant("8986"), "MID"),
        (lambda r: r.put_merchant(MID, active="yes"), "active"),
        (lambda r: r.put_terminal("1000000", mid=MID, kcv="ABC123"), "TID"),
        (lambda r: r.put_terminal(TID, mid=MID, kcv="ABC12"), "KCV"),
        (lambda r: r.put_terminal(TID, mid=MID, kcv="ABC123", active=1), "active"),
    ],
)
def test_it_refuses_malformed_entries_and_keeps_nothing(call, complaint: str) -> None:
    registry = Registry()

    with pytest.raises(ValueError, match=complaint):
        call(registry)

    assert registry.to_json() == {"merchants": {}, "terminals": {}}


def test_deleting_an_unknown_terminal_says_so() -> None:
    assert Registry().delete_terminal(TID) is False


def test_a_missing_file_is_an_empty_registry_written_on_the_first_change(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    registry = Registry(path)
    assert not path.exists()

    registry.put_merchant(MID)

    assert json.loads(path.read_text()) == {"merchants": {MID: {"active": True}}, "terminals": {}}


def test_it_reloads_what_it_saved(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    registry = Registry(path)
    registry.put_merchant(MID, active=False)
    registry.put_terminal(TID, mid=MID, kcv="abc123")
    registry.put_terminal("10000002", mid=MID, kcv="000000")
    registry.delete_terminal("10000002")

    reloaded = Registry(path)

    assert reloaded.to_json() == registry.to_json()
    assert reloaded.get_terminal(TID) == Terminal(tid=TID, mid=MID, kcv="ABC123")
    assert [p.name for p in tmp_path.iterdir()] == ["registry.json"]


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("{", "Expecting"),
        ("[]", "expected an object"),
        ('{"merchants": [], "terminals": {}}', "must be objects"),
        ('{"merchant": {}}', "expected an object"),
        ('{"merchants": {"8986": {}}}', "MID"),
        ('{"merchants": {"898621045311234": {"activ": true}}}', "unknown keys activ"),
        ('{"terminals": {"10000001": {"mid": "898621045311234"}}}', "lacks kcv"),
        ('{"terminals": {"10000001": {"mid": "898621045311234", "kcv": "XYZ"}}}', "KCV"),
    ],
)
def test_it_refuses_a_file_it_cannot_read_as_a_registry(tmp_path: Path, content: str, complaint: str) -> None:
    path = tmp_path / "registry.json"
    path.write_text(content)

    with pytest.raises(RegistryFileError, match=complaint) as caught:
        Registry(path)

    assert str(path) in str(caught.value)
    assert path.read_text() == content


def test_concurrent_changes_all_land(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "registry.json")

    def register(start: int) -> None:
        for n in range(start, start + 25):
            registry.put_terminal(f"{n:08d}", mid=MID, kcv="ABC123")

    threads = [threading.Thread(target=register, args=(k * 100,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(registry.to_json()["terminals"]) == 200
    assert len(Registry(tmp_path / "registry.json").to_json()["terminals"]) == 200
