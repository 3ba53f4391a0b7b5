"""Settings from the environment (CERTFLOW_*, and DATABASE_URL), with the embedded default."""

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.deps import HEARTBEAT_STALE_SECONDS, PUBLIC_THRESHOLD
from notifications.dispatcher import Pacing
from notifications.mail import MailSettings, Security
from notifications.webhook_posts import WebhookSettings
from workflows.messages import APPEND_AS_LOCAL_ACTIVITY, MAX_HISTORY_LENGTH


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CERTFLOW_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "CERTFLOW_DATABASE_URL"),
        description="PostgreSQL URL; unset means an embedded server under data_dir",
    )
    data_dir: Path = Path(".data")
    database_name: str = "certflow"
    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    task_queue: str = "certflow"
    append_as_local_activity: bool = APPEND_AS_LOCAL_ACTIVITY
    max_history_length: int = Field(default=MAX_HISTORY_LENGTH, ge=100)
    command_timeout_seconds: float = Field(
        default=10.0, gt=0, le=60, description="longest wait for Temporal per command; then 503"
    )
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=0, le=65535)
    public_threshold: int = Field(
        default=PUBLIC_THRESHOLD, ge=1, description="fewest members a public country figure describes"
    )
    heartbeat_stale_seconds: float = Field(
        default=HEARTBEAT_STALE_SECONDS,
        gt=0,
        description="/readyz fails once the projector's or a worker's heartbeat is older",
    )
    worker_grace_seconds: float = Field(
        default=10.0, ge=0, description="running activities' time to finish once the worker stops (it exits 3 s later)"
    )
    smtp_host: str = Field(default="127.0.0.1", description="the SMTP server notices are mailed through")
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Security = Field(default=Security.NONE, description="none, starttls or tls (SMTPS)")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    mail_from: str = Field(default="certflow <certflow@localhost>", description="the notices' From")
    public_url: str = Field(default="http://127.0.0.1:8000", description="where mails' links lead: the dashboard")
    webhook_allow_http: bool = Field(
        default=False, description="accept http:// webhook URLs (for local testing); else https only"
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    delivery_max_attempts: int = Field(default=8, ge=1, description="then a delivery is a dead letter")
    delivery_retry_base_seconds: float = Field(default=30.0, gt=0, description="the first retry's delay")
    delivery_retry_cap_seconds: float = Field(default=3600.0, gt=0, description="the longest delay between retries")
    delivery_lease_seconds: float = Field(
        default=60.0, gt=0, description="a claimed delivery is another dispatcher's to take after this"
    )
    delivery_batch_size: int = Field(default=200, ge=1)
    delivery_senders: int = Field(default=4, ge=1, description="sends at once, each over its own SMTP connection")
    delivery_poll_seconds: float = Field(default=2.0, gt=0, description="the dispatcher's fallback to NOTIFY")
    log_format: Literal["json", "console"] = "json"
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _asyncpg_driver(cls, url: str | None) -> str | None:
        if url is None or not url.strip():
            return None
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url.removeprefix(prefix)
        if not url.startswith("postgresql+asyncpg://"):
            raise ValueError("DATABASE_URL must be a postgresql:// URL")
        return url

    @cached_property
    def resolved_database_url(self) -> str:
        """DATABASE_URL, or the embedded server (started on first use)."""
        if self.database_url:
            return self.database_url
        from eventstore.embedded import start_embedded

        return start_embedded(self.data_dir.resolve(), self.database_name)

    @property
    def mail(self) -> MailSettings:
        return MailSettings(
            host=self.smtp_host,
            port=self.smtp_port,
            username=self.smtp_username,
            password=self.smtp_password,
            security=self.smtp_security,
            mail_from=self.mail_from,
            public_url=self.public_url,
            timeout_seconds=self.smtp_timeout_seconds,
        )

    @property
    def webhooks(self) -> WebhookSettings:
        return WebhookSettings(timeout_seconds=self.webhook_timeout_seconds)

    @property
    def pacing(self) -> Pacing:
        return Pacing(
            batch_size=self.delivery_batch_size,
            senders=self.delivery_senders,
            lease_seconds=self.delivery_lease_seconds,
            poll_seconds=self.delivery_poll_seconds,
            max_attempts=self.delivery_max_attempts,
            retry_base_seconds=self.delivery_retry_base_seconds,
            retry_cap_seconds=self.delivery_retry_cap_seconds,
        )
