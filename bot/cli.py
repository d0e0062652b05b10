"""`liteproject`: serve the app, or run the database migrations."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from importlib.metadata import version

from bot.settings import ConfigError, Settings, load_settings

EXIT_BAD_CONFIG = 2


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
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"liteproject: {exc}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "db":
        return _upgrade(settings)
    if not args.no_migrate:
        status = _upgrade(settings)
        if status:
            return status
    return _serve(settings)


def _upgrade(settings: Settings) -> int:
    from storage.migrate import upgrade

    try:
        upgrade(settings.database_url)
    except Exception as exc:  # an unreachable database is an operator problem, not a crash
        print(
            f"liteproject: DATABASE_URL could not be migrated ({exc.__class__.__name__}: {exc})",
            file=sys.stderr,
        )
        return EXIT_BAD_CONFIG
    return 0


async def _freeze_heap(_app: object) -> None:
    """Move what start-up made (modules, the app, templates) out of the collector's way.

    Under load the cyclic collector otherwise rescans those long-lived objects again and again:
    it measured 5-6 s of every 10 and most of `list`'s p99.
    """
    gc.collect()
    gc.freeze()


def _serve(settings: Settings) -> int:
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
        host=settings.host,
        port=settings.port,
        print=announce,
        shutdown_timeout=10,
        access_log=None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
