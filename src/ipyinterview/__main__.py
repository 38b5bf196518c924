"""Command line: ``python -m ipyinterview serve``, ``keys create`` and ``doctor``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ._constants import ENV_API_KEY


def _database(args: argparse.Namespace) -> tuple[str, Path]:
    """Return the database URL and the file that keeps the service's API key."""
    from .server.db import sqlite_url
    from .server.service import home

    if args.database_url:
        return args.database_url, home() / "service-api-key"
    db = Path(args.db) if args.db else home() / "service.db"
    try:
        # A folder made for the database is private, as the database is.
        db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        raise SystemExit(
            f"cannot create the folder of --db {db}: {err.strerror}"
        ) from err
    return sqlite_url(db), db.with_name(db.name + ".api-key")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .server.app import create_app
    from .server.service import bind, ensure_account, stored_key
    from .server.settings import Settings

    _warn_about_isolation()
    database_url, key_file = _database(args)
    settings = Settings(database_url=database_url, latency_ms=args.latency_ms)
    if args.plan:
        settings.plans.update(_plans(args.plan))
    if args.default_plan:
        if args.default_plan not in settings.plans:
            raise SystemExit(
                f"--default-plan must be one of {', '.join(settings.plans)}"
            )
        settings.default_plan = args.default_plan
    try:
        sock = bind(args.host, args.port)
    except OSError as err:
        raise SystemExit(str(err)) from err

    from_env = os.environ.get(ENV_API_KEY)
    key = from_env or stored_key(key_file)
    app = create_app(settings)
    ensure_account(app.state.store, key)
    base = f"http://{args.host}:{args.port}"
    print(f"ipyinterview local service at {base}", flush=True)
    if from_env:
        print(f"API key: taken from {ENV_API_KEY}", flush=True)
    else:
        # Printed on the operator's own terminal, so they can use it.
        print(f"API key: {key} (kept in {key_file})", flush=True)
    print(f"Use it: Client(api_key=..., base_url={base!r})", flush=True)
    # No access log (one line per request costs throughput; errors still log).
    # uvicorn picks uvloop and httptools, dependencies of ours, when importable.
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def _warn_about_isolation() -> None:
    """Say on the operator's terminal how candidates' code will be isolated."""
    from .server.sandbox import SandboxUnavailable, isolation, require_isolation

    try:
        require_isolation()
    except SandboxUnavailable as err:
        raise SystemExit(str(err)) from err
    found = isolation()
    if found.level == "none":
        print(
            f"WARNING: candidates' code will run unisolated ({found.detail}); "
            "install bubblewrap before running strangers' code",
            file=sys.stderr,
            flush=True,
        )


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
    from .server.db import Store, make_engine
    from .server.service import ensure_account, new_api_key

    if args.credits < 0:
        raise SystemExit("--credits must be 0 or more")
    database_url, _ = _database(args)
    key = new_api_key()
    store = Store(make_engine(database_url))
    try:
        ensure_account(store, key, credits=args.credits)
    finally:
        store.engine.dispose()
    print(key)
    return 0


def _doctor(args: argparse.Namespace) -> int:
    import json

    from .diagnostics import doctor

    report = doctor(notebook_url=args.notebook_url)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report)
    return 0 if report.ok else 1


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

    doctor = commands.add_parser(
        "doctor", help="check the notebook front end, the service and the browser side"
    )
    doctor.add_argument(
        "--notebook-url", help="the notebook page's address, as the browser shows it"
    )
    doctor.add_argument(
        "--json", action="store_true", help="print the findings as JSON"
    )
    doctor.set_defaults(run=_doctor)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
