"""Helpers to load the project's seed story (seeds/, copied from ../shared/seeds)."""

from __future__ import annotations

from pathlib import Path

from monitor.models import Article
from monitor.sources import by_published, load_dir

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed_articles() -> list[Article]:
    return by_published(load_dir(SEEDS))


def seed(article_prefix: str) -> Article:
    return next(a for a in seed_articles() if a.id.startswith(article_prefix))
