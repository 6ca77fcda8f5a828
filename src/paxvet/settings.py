"""The one settings object. Every variable is read from the environment with the prefix PAXVET_
and documented in docs/settings.md."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from paxvet.errors import ConfigurationError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAXVET_", env_file=None, extra="ignore")

    environment: str = Field("development", description="development, test or production")
    data_dir: Path = Field(Path("./var"), description="Where the embedded database and files live")
    database_url: str = Field("", description="SQLAlchemy URL; default is SQLite in data_dir")
    secret_key: str = Field("", description="Signs sessions and keyed hashes; required outside development")
    reporting_country: str = Field(
        "MEX",
        description="ISO alpha-3 of the country receiving the data; a flight arriving there is inbound, "
        "one leaving it outbound",
    )
    retro_window_ahead_hours: int = Field(72, description="Retro-screen flights arriving this far ahead")
    retro_window_behind_hours: int = Field(24, description="... and this far behind")
    suppression_days: int = Field(365, description="How long a false-positive suppression lasts")
    notify_within_hours: int = Field(6, description="Notify high-severity hits on flights landing this soon")
    notifier: str = Field("log", description="log, webhook or smtp")
    webhook_url: str = Field("", description="Target of the webhook notifier")
    smtp_host: str = Field("127.0.0.1", description="SMTP server of the e-mail notifier")
    smtp_port: int = Field(25, description="SMTP port")
    smtp_sender: str = Field("paxvet@localhost", description="From address of notification e-mails")
    smtp_recipients: str = Field("", description="Comma-separated recipients of notification e-mails")
    notify_language: str = Field(
        "es", description="Language of notification subjects and bodies (e-mail, webhook, log): es or en"
    )
    session_hours: int = Field(8, description="Web session lifetime")
    login_max_failures: int = Field(5, description="Failed logins before the account locks")
    lockout_minutes: int = Field(15, description="How long a locked account stays locked")
    https: bool = Field(False, description="Served behind TLS: secure cookies and HSTS")
    login_rate_per_minute: int = Field(10, description="Login attempts allowed per client address a minute")
    auth_backend: str = Field("local", description="How users sign in: local (argon2 passwords)")
    default_language: str = Field("es", description="Interface language when neither user nor browser says")

    @model_validator(mode="after")
    def _refuse_insecure(self) -> Settings:
        if self.environment == "production":
            if len(self.secret_key) < 32:
                raise ConfigurationError("PAXVET_SECRET_KEY must be at least 32 characters in production")
            if self.database_url.startswith("sqlite") or not self.database_url:
                pass  # SQLite is allowed in production for a single small port; nothing insecure about it
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'paxvet.sqlite3').resolve()}"

    @property
    def effective_secret_key(self) -> bytes:
        """Development gets a per-data-dir random key kept on disk; never a constant in the repo."""
        if self.secret_key:
            return self.secret_key.encode()
        return _dev_secret(self.data_dir)


def _dev_secret(data_dir: Path) -> bytes:
    import secrets

    path = data_dir / ".secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
