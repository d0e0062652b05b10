"""Runtime settings: the contract in DESIGN.md, read from the environment (and `.env`)."""

from __future__ import annotations

from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

FIXES = {
    "SLACK_BOT_TOKEN": "set it to the app's Bot User OAuth Token (xoxb-…), under OAuth & Permissions",
    "SLACK_SIGNING_SECRET": "set it to the app's Signing Secret, under Basic Information",
    "SLACK_CLIENT_ID": "set it to the app's Client ID, under Basic Information",
    "SLACK_CLIENT_SECRET": "set it to the app's Client Secret, under Basic Information",
    "SLACK_STATE_SECRET": "set it to a long random string used to sign OAuth state",
    "SLACK_API_URL": "set it to an http(s) URL ending in /api/, e.g. https://slack.com/api/",
    "DATABASE_URL": "use sqlite+aiosqlite:///./liteproject.db or postgresql+asyncpg://user@host/db",
    "PUBLIC_BASE_URL": "set it to the public http(s) address creators reach, e.g. https://lite.example.com",
    "PORT": "use a port number between 1 and 65535",
    "HOST": "use an address to listen on, e.g. 127.0.0.1 or 0.0.0.0",
    "LINKING_REQUESTS_ENABLED": "use true or false",
    "LINKING_REQUEST_DAYS": "use a number of days between 1 and 365",
    "LOG_LEVEL": "use DEBUG, INFO, WARNING or ERROR",
    "OUTBOX_LEASE_SECONDS": "use a number of seconds between 1 and 3600",
    "TRUSTED_PROXIES": "use comma-separated addresses or CIDR ranges of your proxies, e.g. 10.0.0.0/8,127.0.0.1",
    "CREATOR_VIEWS_PER_CLIENT": "use a number of page views per minute (0 for no limit)",
    "CREATOR_POSTS_PER_CLIENT": "use a number of form posts per minute (0 for no limit)",
    "CREATOR_POSTS_PER_LINK": "use a number of form posts per minute (0 for no limit)",
    "TIKTOK_OEMBED_URL": "use an https URL such as https://www.tiktok.com/oembed, or leave it empty to turn lookups off",
    "SLACK_WORK_CONCURRENCY": "use a number between 1 and 10000",
    "CREATOR_PAGE_CONCURRENCY": "use a number between 1 and 10000",
    "TIKTOK_BUSINESS_API_URL": "use TikTok's API host, e.g. https://business-api.tiktok.com",
    "METRICS_REFRESH_HOURS": "use a number of hours between 1 and 168 (a week)",
    "SECRET_KEY": "use a random string of at least 32 characters, or leave it unset",
    "TIKTOK_APP_ID": "set it to the App ID of your TikTok for Business developer app",
    "TIKTOK_APP_SECRET": "set it to the Secret of your TikTok for Business developer app",
}


class ConfigError(Exception):
    """A setting is missing or invalid; the message is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_state_secret: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite+aiosqlite:///./liteproject.db"
    public_base_url: str = "http://localhost:3000"
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=1, le=65535)
    linking_requests_enabled: bool = False
    # how long a creator has to answer a linking request
    linking_request_days: int = Field(default=30, ge=1, le=365)
    # how long a replica owns the outbox messages it picked up; another takes them over after it
    outbox_lease_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client; empty: none
    trusted_proxies: str = ""
    # creator-page ceilings per minute (0: no limit): per client address, and per invite link
    # (a launch where a hundred creators deliver to one link within a minute goes through)
    creator_views_per_client: int = Field(default=60, ge=0, le=1_000_000)
    creator_posts_per_client: int = Field(default=10, ge=0, le=1_000_000)
    creator_posts_per_link: int = Field(default=300, ge=0, le=1_000_000)
    # TikTok's public oEmbed endpoint (owner, title, thumbnail, short links); empty: no lookups
    tiktok_oembed_url: str = "https://www.tiktok.com/oembed"
    # past these, Slack commands get "busy, try again" and creator pages a 503 (see bot/shedding.py)
    slack_work_concurrency: int = Field(default=64, ge=1, le=10_000)
    creator_page_concurrency: int = Field(default=128, ge=1, le=10_000)
    # PostgreSQL connections this process keeps open (SQLite has one); see storage/db.py
    database_pool_size: int = Field(default=40, ge=1, le=1_000)
    # TikTok API for Business: its host; a long-term advertiser token for single-workspace installs;
    # the developer app (id and secret) that lets any workspace connect from App Home
    tiktok_business_api_url: str = "https://business-api.tiktok.com"
    tiktok_business_access_token: str | None = None
    tiktok_app_id: str | None = None
    tiktok_app_secret: str | None = None
    # TikTok One: the secret TikTok signs its TCM_VIDEOS webhook with (unset: the webhook is refused
    # and delivered videos arrive by polling only)
    tiktok_webhook_secret: str | None = Field(default=None, min_length=16)
    # TikTok One: how often (seconds) campaigns, linking requests and authorizations are polled
    tiktok_one_poll_seconds: float = Field(default=300.0, ge=1.0, le=86400.0)
    # the secret TikTok tokens are encrypted with at rest (else SLACK_SIGNING_SECRET); changing it
    # leaves stored tokens unreadable: connections then ask to be made again
    secret_key: str | None = Field(default=None, min_length=32)
    # how often TikTok's reports are read into the performance figures (TikTok refreshes them daily)
    metrics_refresh_hours: int = Field(default=24, ge=1, le=168)

    @field_validator("slack_api_url", "public_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("tiktok_oembed_url")
    @classmethod
    def _oembed_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, or be empty")
        if "?" in value or "#" in value:
            raise ValueError("must not carry a query or fragment")
        return value

    @field_validator("tiktok_business_api_url")
    @classmethod
    def _business_api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        if "?" in value or "#" in value:
            raise ValueError("must not carry a query or fragment")
        return value

    @field_validator(
        "tiktok_business_access_token",
        "tiktok_app_id",
        "tiktok_app_secret",
        "secret_key",
        "tiktok_webhook_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("public_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return _async_database_url(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for entry in _entries(value):
            try:
                ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an address or CIDR range") from None
        return value

    @cached_property
    def trusted_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(entry, strict=False) for entry in _entries(self.trusted_proxies))

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xoxb-"):
            raise ValueError("is not a bot token (xoxb-…)")
        return value

    @model_validator(mode="after")
    def _one_mode(self) -> Settings:
        needed = (
            ("slack_client_id", "slack_client_secret", "slack_state_secret")
            if self.oauth_enabled
            else ("slack_bot_token",)
        ) + ("slack_signing_secret",)
        missing = [name.upper() for name in needed if not getattr(self, name)]
        if missing:
            raise ValueError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing")
        return self

    @model_validator(mode="after")
    def _tiktok_app_pair(self) -> Settings:
        if bool(self.tiktok_app_id) != bool(self.tiktok_app_secret):
            missing = "TIKTOK_APP_SECRET" if self.tiktok_app_id else "TIKTOK_APP_ID"
            raise ValueError(f"{missing} is missing (TIKTOK_APP_ID and TIKTOK_APP_SECRET go together)")
        return self

    @property
    def tiktok_connect_enabled(self) -> bool:
        """Workspaces may connect TikTok for Business from App Home (the developer app is set)."""
        return bool(self.tiktok_app_id and self.tiktok_app_secret)

    @property
    def business_token_from_settings(self) -> bool:
        """A single-workspace install calls TikTok for Business with TIKTOK_BUSINESS_ACCESS_TOKEN."""
        return self.tiktok_business_access_token is not None and not self.oauth_enabled

    @property
    def encryption_secret(self) -> str:
        return self.secret_key or self.slack_signing_secret or ""

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id)


def _async_database_url(value: str) -> str:
    if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ValueError("needs an async driver")
    return value


def _entries(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(",") if entry.strip()]


class DatabaseSettings(BaseSettings):
    """What `liteproject db upgrade` needs: the database, and how much to log."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = "sqlite+aiosqlite:///./liteproject.db"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return _async_database_url(value)


def load_database_settings() -> DatabaseSettings:
    try:
        return DatabaseSettings()
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None


def load_settings() -> Settings:
    """Read the settings or raise ConfigError with one line naming the setting and its fix."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    if error["loc"]:
        name = str(error["loc"][0]).upper()
        problem = f"{name} is invalid ({error['msg']})"
    else:
        # model-level checks name the missing setting in their message
        message = str(error["msg"]).removeprefix("Value error, ")
        name = message.split(" ", 1)[0]
        problem = message
    if problem.startswith("SLACK_BOT_TOKEN and"):
        fix = (
            "set both from the Slack app's settings (OAuth & Permissions, Basic Information), "
            "or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for multi-workspace mode"
        )
    elif " and " in problem:
        fix = "set them from the Slack app's Basic Information page"
    else:
        fix = FIXES.get(name, "see the settings table in README.md")
    return f"{problem}: {fix}"
