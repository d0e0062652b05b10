"""`liteproject`: serve the app, or run the database migrations."""

from __future__ import annotations

import argparse
import errno
import gc
import logging
import socket
import sys
from collections.abc import Callable
from importlib.metadata import version
from typing import TypeVar

from bot.logs import configure_logging
from bot.settings import ConfigError, DatabaseSettings, Settings, load_database_settings, load_settings

EXIT_BAD_CONFIG = 2
Loaded = TypeVar("Loaded", Settings, DatabaseSettings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="liteproject",
        description="Run TikTok One lite projects from Slack. Settings come from the environment "
        "(or a .env file); see README.md.",
    )
    parser.add_argument("--version", action="version", version=f"liteproject {version('liteproject')}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser("serve", help="apply migrations, then serve Slack and the creator pages")
    serve.add_argument(
        "--no-migrate",
        action="store_true",
        help="skip migrations (for replicas when migrations run as a release step)",
    )
    db = commands.add_parser("db", help="database tasks")
    db_commands = db.add_subparsers(dest="db_command", metavar="TASK", required=True)
    db_commands.add_parser("upgrade", help="apply the database migrations and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "db":
        # a release step runs where the Slack secrets may not be: it needs the database only
        database = _configured(load_database_settings)
        if database is None:
            return EXIT_BAD_CONFIG
        return _upgrade(database.database_url)
    settings = _configured(load_settings)
    if settings is None:
        return EXIT_BAD_CONFIG
    # listen first: a port in use or a wrong HOST is told before anything else runs
    try:
        listening = listen(settings)
    except OSError as exc:  # an operator problem, said in one line like a bad setting
        return _problem(listen_problem(settings, exc))
    with listening:
        if not args.no_migrate:
            status = _upgrade(settings.database_url)
            if status:
                return status
        return _serve(settings, listening)


def _configured(load: Callable[[], Loaded]) -> Loaded | None:
    """The settings `load` reads, with logging set up at their level; None once a bad setting
    was told in one line."""
    try:
        settings = load()
    except ConfigError as exc:
        _problem(str(exc))
        return None
    configure_logging(settings.log_level)
    return settings


def _problem(text: str) -> int:
    """An operator problem, told in one line on stderr: the exit status for it."""
    print(f"liteproject: {text}", file=sys.stderr)
    return EXIT_BAD_CONFIG


def _upgrade(database_url: str) -> int:
    from storage.migrate import upgrade

    try:
        upgrade(database_url)
    except Exception as exc:  # an unreachable database is an operator problem, not a crash
        return _problem(f"DATABASE_URL could not be migrated ({exc.__class__.__name__}: {exc})")
    return 0


def listen(settings: Settings) -> socket.socket:
    family, kind, protocol, _, address = socket.getaddrinfo(
        settings.host, settings.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, protocol)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


async def _freeze_heap(_app: object) -> None:
    """Move what start-up made (modules, the app, templates) out of the collector's way.

    Under load the cyclic collector otherwise rescans those long-lived objects again and again:
    it measured 5-6 s of every 10 and most of `list`'s p99.
    """
    gc.collect()
    gc.freeze()


def _serve(settings: Settings, sock: socket.socket) -> int:
    from aiohttp import web

    from bot.app import create_web_app

    log = logging.getLogger("liteproject")

    def announce(message: object) -> None:
        log.info(
            "serving on http://%s:%s (public address %s)",
            settings.host,
            settings.port,
            settings.public_base_url,
        )

    app = create_web_app(settings)
    app.on_startup.append(_freeze_heap)
    # run_app turns SIGTERM/SIGINT into a graceful shutdown: in-flight requests finish first
    web.run_app(
        app,
        sock=sock,
        print=announce,
        shutdown_timeout=10,
        access_log=None,
    )
    return 0


def listen_problem(settings: Settings, exc: OSError) -> str:
    where = f"{settings.host}:{settings.port}"
    if exc.errno == errno.EADDRINUSE:
        return f"PORT {settings.port} is already in use on {settings.host}: stop what listens there, or set PORT to a free port"
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return (
            f"HOST {settings.host!r} is not an address of this machine: "
            "use an address to listen on, e.g. 127.0.0.1 or 0.0.0.0"
        )
    if exc.errno == errno.EACCES:
        return f"PORT {settings.port} needs more privileges on {settings.host}: use a port above 1023"
    return f"can't listen on {where} ({exc.strerror or exc}): check HOST and PORT"


if __name__ == "__main__":
    sys.exit(main())
