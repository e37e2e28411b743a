"""``python -m acquirer_sim``: run the simulator until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from acquirer_sim.registry import Registry, RegistryFileError
from acquirer_sim.server import DEFAULT_HOST, Simulator


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number")
    return port


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m acquirer_sim",
        description="Simulated acquirer host answering ISO 8583 terminal sign-ins.",
    )
    # The management API has no authentication: keep it on loopback.
    parser.add_argument("--host", default=DEFAULT_HOST, help="address for both listeners")
    parser.add_argument("--port", type=_port, default=5800, help="ISO 8583 port (0: any free)")
    parser.add_argument("--admin-port", type=_port, default=5801, help="HTTP API port (0: any free)")
    parser.add_argument("--registry", help="JSON file to load merchants and terminals from and save to")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser.parse_args(argv)


async def serve(simulator: Simulator) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await simulator.start()
    except OSError as exc:
        print(f"acquirer_sim: cannot listen: {exc}", file=sys.stderr)
        return 1
    try:
        # Tests and the Makefile read this line to learn the ports chosen for 0.
        print(
            f"acquirer_sim listening iso={simulator.host}:{simulator.iso_port} "
            f"admin={simulator.host}:{simulator.admin_port}",
            flush=True,
        )
        await stop.wait()
    finally:
        await simulator.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    try:
        registry = Registry(args.registry)
    except RegistryFileError as exc:
        print(f"acquirer_sim: {exc}", file=sys.stderr)
        return 2
    simulator = Simulator(registry, host=args.host, iso_port=args.port, admin_port=args.admin_port)
    return asyncio.run(serve(simulator))


if __name__ == "__main__":
    sys.exit(main())
