"""Command line: ``python -m ipyinterview serve`` and ``keys create``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from ._constants import ENV_API_KEY


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .server.app import create_app
    from .server.db import sqlite_url
    from .server.service import ensure_account, home, new_api_key
    from .server.settings import Settings

    database_url = args.database_url or sqlite_url(args.db or home() / "service.db")
    settings = Settings(database_url=database_url, latency_ms=args.latency_ms)
    if args.plan:
        settings.plans.update(_plans(args.plan))
    if args.default_plan:
        if args.default_plan not in settings.plans:
            raise SystemExit(
                f"--default-plan must be one of {', '.join(settings.plans)}"
            )
        settings.default_plan = args.default_plan
    key = os.environ.get(ENV_API_KEY) or new_api_key()
    ensure_account(settings, key)
    base = f"http://{args.host}:{args.port}"
    print(f"ipyinterview local service at {base}", flush=True)
    if os.environ.get(ENV_API_KEY):
        print(f"API key: taken from {ENV_API_KEY}", flush=True)
    else:
        # Printed once, on the operator's own terminal, so they can use it.
        print(f"API key: {key}", flush=True)
    print(f"Use it: Client(api_key=..., base_url={base!r})", flush=True)
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, log_level="warning"
    )
    return 0


def _plans(items: list[str]) -> dict[str, int | None]:
    plans: dict[str, int | None] = {}
    for item in items:
        name, _, quota = item.partition("=")
        if not name or not (quota.isdigit() or quota == "unlimited"):
            raise SystemExit(
                f"--plan takes NAME=QUOTA (a number or unlimited), not {item!r}"
            )
        plans[name] = None if quota == "unlimited" else int(quota)
    return plans


def _keys_create(args: argparse.Namespace) -> int:
    from .server.db import sqlite_url
    from .server.service import ensure_account, home, new_api_key
    from .server.settings import Settings

    database_url = args.database_url or sqlite_url(args.db or home() / "service.db")
    key = new_api_key()
    ensure_account(Settings(database_url=database_url), key, credits=args.credits)
    print(key)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ipyinterview command line."""
    parser = argparse.ArgumentParser(prog="python -m ipyinterview")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the local service")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument(
        "--plan",
        action="append",
        metavar="NAME=QUOTA",
        help="add or change a plan's daily quota (a number or unlimited); repeatable",
    )
    serve.add_argument("--default-plan", help="plan of newly synced users (unlimited)")
    serve.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        help="delay every API response, to rehearse a distant service",
    )
    serve.set_defaults(run=_serve)

    keys = commands.add_parser("keys", help="manage API keys of the local service")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="create an API key and print it")
    create.add_argument(
        "--credits", type=int, default=1000, help="credits (default 1000)"
    )
    create.set_defaults(run=_keys_create)

    for command in (serve, create):
        command.add_argument(
            "--db", help="SQLite file (default ~/.ipyinterview/service.db)"
        )
        command.add_argument(
            "--database-url", help="SQLAlchemy database URL instead of --db"
        )

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
