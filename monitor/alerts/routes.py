"""Where alerts go: `config/routes.yaml`. URLs and secrets are read from the environment."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from monitor.configfile import ConfigFileError, describe, entries
from monitor.metrics import CONFIG_ERRORS
from monitor.models import Alert


class RouteConfigError(ConfigFileError):
    """A bad routes file or a missing secret; names the file, line and variable."""


class Route(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_-]+$")
    type: Literal["console", "slack", "webhook"]
    url: str | None = None
    url_env: str | None = None
    secret_env: str | None = None
    kinds: list[Literal["contradiction", "update"]] = ["contradiction", "update"]
    events: list[str] | None = None
    timeout: float = 10.0

    @model_validator(mode="after")
    def _targets(self) -> Route:
        if self.type != "console" and not (self.url or self.url_env):
            raise ValueError(f"a {self.type} route needs `url` or `url_env`")
        if self.type == "webhook" and not self.secret_env:
            raise ValueError("a webhook route needs `secret_env` (Standard Webhooks signing)")
        if self.url and not re.match(r"^https?://", self.url):
            raise ValueError(f"url must be http(s): {self.url[:40]!r}")
        return self

    def matches(self, alert: Alert) -> bool:
        if alert.kind not in self.kinds:
            return False
        return self.events is None or alert.fact.get("event") in self.events

    def resolved_url(self) -> str:
        if self.url:
            return self.url
        assert self.url_env
        value = os.environ.get(self.url_env)
        if not value:
            raise RouteConfigError(f"route {self.name}: environment variable {self.url_env} "
                                   "is not set")
        return value

    def secret(self) -> str:
        assert self.secret_env
        value = os.environ.get(self.secret_env)
        if not value:
            raise RouteConfigError(f"route {self.name}: environment variable {self.secret_env} "
                                   "is not set")
        return value


def load_routes(path: Path) -> list[Route]:
    """Routes from YAML; every route's env variables must be set, checked now, at start-up."""
    out: list[Route] = []
    try:
        items = entries(path, "routes")
    except ConfigFileError as exc:
        CONFIG_ERRORS.labels(file="routes").inc()
        raise RouteConfigError(str(exc)) from None
    for line, item in items:
        try:
            route = Route.model_validate(item)
            if route.type != "console":
                route.resolved_url()
            if route.type == "webhook":
                route.secret()
        except (ValidationError, RouteConfigError) as exc:
            CONFIG_ERRORS.labels(file="routes").inc()
            raise RouteConfigError(f"{path}:{line}: {describe(exc)}") from None
        if any(r.name == route.name for r in out):
            CONFIG_ERRORS.labels(file="routes").inc()
            raise RouteConfigError(f"{path}:{line}: duplicate route name {route.name!r}")
        out.append(route)
    return out
