"""Where alerts go: `config/routes.yaml`. URLs and secrets are read from the environment."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from monitor.configfile import ConfigFileError, load_models
from monitor.metrics import CONFIG_ERRORS
from monitor.models import Alert


class RouteConfigError(ConfigFileError):
    """A bad routes file or a missing secret; names the file, line and variable."""


class Route(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_-]+$")
    # apprise: any service Apprise knows (Telegram, e-mail, Teams, Discord, …) by its URL,
    # read from `url_env` like Slack's (Apprise URLs carry tokens).
    type: Literal["console", "slack", "webhook", "apprise"]
    url: str | None = None
    url_env: str | None = None
    secret_env: str | None = None
    # Operator notices (`feed_failing`, `feed_recovered`) only reach routes that list them.
    kinds: list[Literal["contradiction", "update", "feed_failing", "feed_recovered"]] = [
        "contradiction", "update"]
    events: list[str] | None = None
    # Alerts below this confidence (monitor/facts/incident.py `confidence`) are not sent:
    # the fact page shows the disagreement as disputed and no one is paged.
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    timeout: float = 10.0
    # Jinja2 text of the message (console, Slack's text, Apprise's body and title), rendered
    # sandboxed; monitor/alerts/templates.py lists the names a template may use.
    template: str | None = None
    title_template: str | None = None

    @model_validator(mode="after")
    def _targets(self) -> Route:
        if self.type != "console" and not (self.url or self.url_env):
            raise ValueError(f"a {self.type} route needs `url` or `url_env`")
        if self.type == "webhook" and not self.secret_env:
            raise ValueError("a webhook route needs `secret_env` (Standard Webhooks signing)")
        if self.url and self.type != "apprise" and not re.match(r"^https?://", self.url):
            raise ValueError(f"url must be http(s): {self.url[:40]!r}")
        from monitor.alerts.templates import compile_template

        for text in (self.template, self.title_template):
            if text is not None:
                compile_template(text)
        return self

    def matches(self, alert: Alert) -> bool:
        if alert.kind not in self.kinds or alert.confidence < self.min_confidence:
            return False
        return self.events is None or alert.fact.get("event") in self.events

    def resolved_url(self) -> str:
        if self.url:
            return self.url
        assert self.url_env
        return self._env(self.url_env)

    def secret(self) -> str:
        assert self.secret_env
        return self._env(self.secret_env)

    def _env(self, variable: str) -> str:
        """Read at call time, never stored or logged: secrets stay in the environment."""
        value = os.environ.get(variable)
        if not value:
            raise RouteConfigError(f"route {self.name}: environment variable {variable} "
                                   "is not set")
        return value


def takers(alert: Alert, routes: list[Route]) -> list[Route]:
    """The routes that take the alert's kind and event, whatever its confidence."""
    return [r for r in routes if alert.kind in r.kinds
            and (r.events is None or alert.fact.get("event") in r.events)]


def disputed(alert: Alert, routes: list[Route]) -> bool:
    """A contradiction that some route would take but that every such route holds back for
    its confidence (below the lowest of their `min_confidence`): no one is paged about it,
    and the fact page shows it as disputed. An update is a later count, not a dispute; a
    contradiction that no route takes at all is unrouted, not held back."""
    if alert.kind != "contradiction":
        return False
    would = takers(alert, routes)
    return bool(would) and not any(r.matches(alert) for r in would)


def route_named(routes: list[Route], name: str) -> Route | None:
    return next((r for r in routes if r.name == name), None)


def check_apprise_url(route: Route, url: str) -> None:
    """An Apprise URL whose service Apprise does not know is refused at start-up."""
    import apprise

    if not apprise.Apprise().add(url):
        where = route.url_env or "url"
        raise RouteConfigError(f"route {route.name}: {where} is not an Apprise URL Apprise "
                               "understands (see Apprise's list of services)")


def load_routes(path: Path) -> list[Route]:
    """Routes from YAML; every route's env variables must be set, checked now, at start-up."""

    def env_is_set(route: Route) -> None:
        if route.type != "console":
            url = route.resolved_url()
            if route.type == "apprise":
                check_apprise_url(route, url)
        if route.type == "webhook":
            from monitor.alerts.webhook import SecretError, check_secret

            try:
                check_secret(route.secret())
            except SecretError as exc:
                raise RouteConfigError(f"route {route.name}: {route.secret_env}: {exc}") from None

    return load_models(path, "routes", Route, RouteConfigError,
                       CONFIG_ERRORS.labels(file="routes").inc, env_is_set)
