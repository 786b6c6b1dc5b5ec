"""config/feeds.yaml: the feeds to poll. Errors name the file, the line and the field."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor.configfile import ConfigFileError, load_models
from monitor.metrics import CONFIG_ERRORS


class ConfigError(ConfigFileError):
    """A feeds file newsmon cannot use."""


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$", max_length=64)
    url: str
    outlet: str | None = None
    language: str = "ar"
    interval: int = Field(default=300, ge=10)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if re.match(r"^https?://[^\s/]+", v) or v.startswith("file://") or v.startswith("/"):
            return v
        raise ValueError("must be an http(s):// or file:// URL or an absolute path")

    @property
    def display_outlet(self) -> str:
        return self.outlet or self.name


def load_feeds(path: Path) -> list[FeedConfig]:
    return load_models(path, "feeds", FeedConfig, ConfigError,
                       CONFIG_ERRORS.labels(file="feeds").inc)
