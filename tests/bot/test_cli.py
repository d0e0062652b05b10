"""`liteproject` as a user runs it: a real process, real settings from the environment."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.harness.fake_slack import BOT_TOKEN, FakeSlack
from tests.harness.server import free_port
from tests.harness.slack_requests import SIGNING_SECRET, SlackRequests

SETTING_NAMES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_STATE_SECRET",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PUBLIC_BASE_URL",
    "HOST",
    "PORT",
)


@pytest.fixture
def clean_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if key not in SETTING_NAMES}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    yield env


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_serve_without_slack_settings_names_them_and_exits_2(
    clean_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_cli("serve", env=clean_env, cwd=tmp_path)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SLACK_BOT_TOKEN" in lines[0] and "SLACK_SIGNING_SECRET" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "not-a-port"),
        ("PORT", "70000"),
        ("DATABASE_URL", "sqlite:///sync.db"),
        ("SLACK_BOT_TOKEN", "xoxp-user"),
    ],
)
def test_an_invalid_setting_is_named_with_its_fix(
    clean_env: dict[str, str], tmp_path: Path, name: str, value: str
) -> None:
    env = {**clean_env, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, name: value}

    result = run_cli("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"liteproject: {name} is invalid")


# a second `db upgrade` process: test_db_upgrade_needs_only_the_database_url runs the command and
# tests/storage/test_migrations.py checks the whole schema
@pytest.mark.slow
def test_db_upgrade_creates_the_schema(clean_env: dict[str, str], tmp_path: Path) -> None:
    env = {**clean_env, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}

    result = run_cli("db", "upgrade", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "cli.db") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"lite_projects", "videos", "outbox", "audit_events", "alembic_version"} <= tables


def test_version_and_help(clean_env: dict[str, str], tmp_path: Path) -> None:
    version = run_cli("--version", env=clean_env, cwd=tmp_path)
    usage = run_cli("--help", env=clean_env, cwd=tmp_path)

    assert version.returncode == 0 and version.stdout.startswith("liteproject ")
    assert usage.returncode == 0 and "serve" in usage.stdout and "db" in usage.stdout


async def test_serve_migrates_serves_answers_help_and_stops_on_sigterm(
    clean_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> None:
    port = free_port()
    env = {
        **clean_env,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "PORT": str(port),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            # migrations run first, and take seconds on a busy machine
            deadline = asyncio.get_running_loop().time() + 60
            while True:
                try:
                    async with http.get(f"{base}/healthz") as health:
                        if health.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                if asyncio.get_running_loop().time() > deadline or process.returncode is not None:
                    raise AssertionError("the server never answered /healthz")
                await asyncio.sleep(0.05)
            async with http.get(f"{base}/readyz") as ready:
                assert ready.status == 200
                assert (await ready.json())["database"] == "ok"

        answer = await SlackRequests(f"{base}/slack/events").command("help")
        assert answer.status == 200
        assert answer.json["response_type"] == "ephemeral"
        assert "/liteproject help" in answer.json["text"]
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            status = await asyncio.wait_for(process.wait(), timeout=20)
        except TimeoutError:
            process.kill()  # never leave a server behind
            await process.wait()
            raise
        stderr = (await process.stderr.read()).decode()  # type: ignore[union-attr]
    assert status == 0, stderr
    assert "Traceback" not in stderr


def test_db_upgrade_needs_only_the_database_url(clean_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", env=clean_env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    tables = sqlite3.connect(tmp_path / "cli.db").execute("SELECT name FROM sqlite_master").fetchall()
    assert ("lite_projects",) in tables


def test_db_upgrade_with_a_bad_database_url_says_so_in_one_line(
    clean_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_cli("db", "upgrade", env={**clean_env, "DATABASE_URL": "mysql://x"}, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("host", "said"),
    [
        ("127.0.0.1", "already in use"),
        ("192.0.2.77", "not an address of this machine"),
        ("no-such-host.invalid", "HOST"),
    ],
    ids=["port in use", "address not here", "unresolvable name"],
)
def test_serve_that_cannot_listen_says_why_in_one_line_and_exits_2(
    clean_env: dict[str, str], tmp_path: Path, host: str, said: str
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **clean_env,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "HOST": host,
            "PORT": str(port),
        }
        result = run_cli("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert said in lines[0]
    assert "Traceback" not in result.stderr
