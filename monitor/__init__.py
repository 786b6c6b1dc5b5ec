"""newsmon: watch Arabic news, keep the figures as facts, alert on contradictions and updates."""

__version__ = "0.1.0"
