"""Settings: the runtime contract, and refusing unsafe or half-set configurations."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings, load_settings


@pytest.fixture(autouse=True)
def no_ambient_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_follow_the_runtime_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")

    settings = load_settings()

    assert settings.database_url == "sqlite+aiosqlite:///./liteproject.db"
    assert settings.public_base_url == "http://localhost:3000"
    assert (settings.host, settings.port) == ("127.0.0.1", 3000)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.oauth_enabled is False
    assert settings.linking_requests_enabled is False
    assert settings.database_pool_size == 40


def test_urls_are_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://lite.example.com/")

    settings = load_settings()

    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.public_base_url == "https://lite.example.com"


def test_nothing_set_names_both_single_workspace_settings() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value).startswith("SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are missing")


def test_oauth_mode_needs_all_its_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "123.456")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value).startswith("SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are missing")


def test_oauth_mode_without_a_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "SLACK_CLIENT_ID": "123.456",
        "SLACK_CLIENT_SECRET": "s",
        "SLACK_STATE_SECRET": "t",
        "SLACK_SIGNING_SECRET": "u",
    }.items():
        monkeypatch.setenv(name, value)

    assert load_settings().oauth_enabled is True


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PUBLIC_BASE_URL", "lite.example.com", "PUBLIC_BASE_URL is invalid"),
        ("DATABASE_URL", "postgresql://u@h/db", "DATABASE_URL is invalid"),
        ("PORT", "0", "PORT is invalid"),
        ("DATABASE_POOL_SIZE", "0", "DATABASE_POOL_SIZE is invalid"),
    ],
)
def test_invalid_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value).startswith(expected)
    assert "\n" not in str(raised.value)


def test_trusted_proxies_and_ceilings_are_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,2001:db8::/32")
    monkeypatch.setenv("CREATOR_POSTS_PER_LINK", "0")

    settings = load_settings()

    assert [str(network) for network in settings.trusted_networks] == [
        "10.0.0.0/8",
        "127.0.0.1/32",
        "2001:db8::/32",
    ]
    assert settings.creator_posts_per_link == 0
    assert (settings.creator_views_per_client, settings.creator_posts_per_client) == (60, 10)

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,the-balancer")
    with pytest.raises(ConfigError, match=r"^TRUSTED_PROXIES is invalid .*'the-balancer'.*CIDR"):
        load_settings()
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    monkeypatch.setenv("CREATOR_VIEWS_PER_CLIENT", "-1")
    with pytest.raises(ConfigError, match=r"^CREATOR_VIEWS_PER_CLIENT is invalid"):
        load_settings()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "https://www.tiktok.com/oembed"),
        ("", ""),
        ("  ", ""),
        ("http://127.0.0.1:8080/oembed", "http://127.0.0.1:8080/oembed"),
    ],
)
def test_tiktok_oembed_url_defaults_to_tiktok_and_empty_turns_lookups_off(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    if value is not None:
        monkeypatch.setenv("TIKTOK_OEMBED_URL", value)

    assert load_settings().tiktok_oembed_url == expected


@pytest.mark.parametrize(
    "value", ["ftp://www.tiktok.com/oembed", "www.tiktok.com/oembed", "https://x/oembed?url=y"]
)
def test_a_bad_tiktok_oembed_url_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("TIKTOK_OEMBED_URL", value)

    with pytest.raises(
        ConfigError, match=r"^TIKTOK_OEMBED_URL is invalid .*leave it empty to turn lookups off"
    ):
        load_settings()


def test_tiktok_app_id_and_secret_go_together() -> None:
    from pydantic import ValidationError

    from bot.settings import Settings as _Settings

    with pytest.raises(ValidationError, match="TIKTOK_APP_SECRET is missing"):
        _Settings(_env_file=None, slack_bot_token="xoxb-1", slack_signing_secret="s", tiktok_app_id="app")
    settings = _Settings(
        _env_file=None,
        slack_bot_token="xoxb-1",
        slack_signing_secret="s",
        tiktok_app_id="app",
        tiktok_app_secret="secret",
        tiktok_business_api_url="https://business-api.tiktok.com/",
        secret_key="",
    )
    assert settings.tiktok_connect_enabled and settings.secret_key is None
    assert settings.tiktok_business_api_url == "https://business-api.tiktok.com"
    with pytest.raises(ValidationError):
        _Settings(_env_file=None, slack_bot_token="xoxb-1", slack_signing_secret="s", secret_key="short")


@pytest.mark.parametrize("value", ["0", "169", "daily"])
def test_metrics_refresh_hours_defaults_to_a_day_and_refuses_nonsense(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    assert load_settings().metrics_refresh_hours == 24

    monkeypatch.setenv("METRICS_REFRESH_HOURS", value)
    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value).startswith("METRICS_REFRESH_HOURS is invalid")
    assert "between 1 and 168" in str(raised.value)
