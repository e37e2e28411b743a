"""Run the simulator in-process for tests.

Typical pytest fixture::

    @pytest.fixture
    def acquirer():
        with run_simulator() as sim:
            yield sim

    def test_it_signs_in(acquirer):
        acquirer.register_merchant("898621045311234")
        acquirer.register_terminal("10000001", "898621045311234", "ABC123")
        ...  # sign in to 127.0.0.1:acquirer.iso_port

The simulator runs its own event loop in a background thread, so it works the
same from synchronous tests, Django's ``live_server`` and async code.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from acquirer_sim.registry import Merchant, Registry, Terminal
from acquirer_sim.server import DEFAULT_FRAME_TIMEOUT, DEFAULT_IDLE_TIMEOUT, SignInRecord, Simulator

_START_STOP_TIMEOUT = 10.0


@dataclass
class RunningSimulator:
    """A started simulator. Registrations take effect immediately."""

    host: str
    iso_port: int
    admin_port: int
    registry: Registry
    _simulator: Simulator = field(repr=False)

    @property
    def admin_url(self) -> str:
        return f"http://{self.host}:{self.admin_port}"

    def register_merchant(self, mid: str, active: bool = True) -> Merchant:
        return self.registry.put_merchant(mid, active=active)

    def register_terminal(self, tid: str, mid: str, kcv: str, active: bool = True) -> Terminal:
        return self.registry.put_terminal(tid, mid=mid, kcv=kcv, active=active)

    def remove_terminal(self, tid: str) -> bool:
        return self.registry.delete_terminal(tid)

    def signins(self, limit: int | None = None) -> list[SignInRecord]:
        """Sign-ins seen so far, newest first."""
        return self._simulator.signins.latest(limit)


@contextmanager
def run_simulator(
    registry: Registry | None = None,
    *,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    frame_timeout: float = DEFAULT_FRAME_TIMEOUT,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Iterator[RunningSimulator]:
    """Start a simulator on free ports of 127.0.0.1; stop it on exit.

    ``clock`` is where the host reads the time it sends back on 00.
    """
    simulator = Simulator(registry, idle_timeout=idle_timeout, frame_timeout=frame_timeout, clock=clock)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="acquirer-sim", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(simulator.start(), loop).result(_START_STOP_TIMEOUT)
        try:
            yield RunningSimulator(
                host=simulator.host,
                iso_port=simulator.iso_port,
                admin_port=simulator.admin_port,
                registry=simulator.registry,
                _simulator=simulator,
            )
        finally:
            asyncio.run_coroutine_threadsafe(simulator.stop(), loop).result(_START_STOP_TIMEOUT)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_START_STOP_TIMEOUT)
        # Closing a loop that is still running raises; a stuck thread is a
        # daemon and dies with the test process, so leave its loop alone.
        if not thread.is_alive():
            loop.close()
