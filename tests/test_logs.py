"""Log lines as processes that fork write them: whole, one write each."""

from __future__ import annotations

import json
import sys

import pytest

from monitor.logs import get_logger


class Writes:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def write(self, text: str) -> int:
        self.calls.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_a_log_line_is_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    # A worker forks a work horse per job; a line written in two parts (text, then its
    # newline) could be split by the fork and reach the log glued to the horse's own.
    stream = Writes()
    monkeypatch.setattr(sys, "stderr", stream)
    get_logger(job_id="j1").info("verdict", figure="اثنين", token="s3cret")
    assert len(stream.calls) == 1 and stream.calls[0].endswith("\n")
    line = json.loads(stream.calls[0])
    assert line["event"] == "verdict" and line["figure"] == "اثنين"
    assert line["token"] == "***"
