"""Settings from the environment (CERTFLOW_*, and DATABASE_URL), with the embedded default."""

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.deps import HEARTBEAT_STALE_SECONDS, PUBLIC_THRESHOLD
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
    mail_sink: bool = Field(
        default=False,
        description="a local SMTP sink on 127.0.0.1 and the Secretariat's Mail page (`certflow dev` turns it on)",
    )
    mail_sink_port: int = Field(default=8025, ge=1, le=65535, description="the local SMTP sink's port")
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
