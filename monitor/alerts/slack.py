"""Slack incoming-webhook payloads in Block Kit, within Slack's limits, with mrkdwn escaped."""

from __future__ import annotations

from typing import Any

from monitor.alerts.render import day, fact_label, format_figure, source, summary_line
from monitor.models import Alert

# Slack's documented limits for the blocks we use.
MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_BUTTON_TEXT = 75
MAX_URL = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_TEXT = 40000
ALLOWED_BLOCKS = {"header", "section", "context", "divider", "actions"}


def escape_mrkdwn(s: str) -> str:
    """Slack's three control characters, so article text cannot inject links or mentions."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(s: str, limit: int) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _link(url: str | None, label: str) -> str:
    if not url or len(url) > MAX_URL or any(c in url for c in "<>| "):
        return escape_mrkdwn(label)
    return f"<{url}|{escape_mrkdwn(label).replace('|', '¦')}>"


def _side_field(title: str, side: dict[str, Any]) -> dict[str, str]:
    text = (
        f"*{title}*\n*{escape_mrkdwn(format_figure(side))}*  "
        f"«{escape_mrkdwn(str(side.get('text') or ''))}»\n"
        f"{_link(side.get('url'), source(side))}\n{escape_mrkdwn(day(side))}\n"
        f"> {escape_mrkdwn(str(side.get('sentence') or ''))}"
    )
    return {"type": "mrkdwn", "text": _cut(text, MAX_FIELD_TEXT)}


def slack_payload(alert: Alert, fact_url: str | None = None) -> dict[str, Any]:
    verdict = "Contradiction" if alert.kind == "contradiction" else "Update"
    before, after = ("Before", "Now") if alert.kind == "update" else ("One source", "Another")
    header = _cut(f"{verdict}: {fact_label(alert)}", MAX_HEADER)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header}},
        {"type": "section",
         "text": {"type": "mrkdwn",
                  "text": _cut(f"*Fact* `{escape_mrkdwn(alert.fact_key)}`\n"
                               f"{escape_mrkdwn(summary_line(alert))}", MAX_SECTION_TEXT)}},
        {"type": "section",
         "fields": [_side_field(before, alert.previous), _side_field(after, alert.current)]},
        {"type": "context",
         "elements": [{"type": "mrkdwn",
                       "text": _cut(f"{escape_mrkdwn(alert.reason)} · alert `{alert.id}`",
                                    MAX_SECTION_TEXT)}]},
    ]
    if fact_url and len(fact_url) <= MAX_URL:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Open the fact page"},
             "url": fact_url}]})
    return {"text": _cut(summary_line(alert), MAX_TEXT), "blocks": blocks}


def validate_blocks(payload: dict[str, Any]) -> list[str]:
    """What in the payload Slack would reject or cut; empty when it is valid."""
    problems: list[str] = []
    if not isinstance(payload.get("text"), str) or not payload["text"].strip():
        problems.append("top-level text is missing (phones and notifications show it)")
    blocks = payload.get("blocks", [])
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    for i, b in enumerate(blocks):
        kind = b.get("type")
        if kind not in ALLOWED_BLOCKS:
            problems.append(f"block {i}: unknown type {kind!r}")
        if kind == "header":
            t = b.get("text", {})
            if t.get("type") != "plain_text" or len(t.get("text", "")) > MAX_HEADER:
                problems.append(f"block {i}: header must be plain_text ≤ {MAX_HEADER}")
        if kind == "section":
            if "text" not in b and "fields" not in b:
                problems.append(f"block {i}: section needs text or fields")
            if len(b.get("text", {}).get("text", "")) > MAX_SECTION_TEXT:
                problems.append(f"block {i}: section text > {MAX_SECTION_TEXT}")
            fields = b.get("fields", [])
            if len(fields) > MAX_FIELDS:
                problems.append(f"block {i}: {len(fields)} fields > {MAX_FIELDS}")
            for f in fields:
                if len(f.get("text", "")) > MAX_FIELD_TEXT:
                    problems.append(f"block {i}: field text > {MAX_FIELD_TEXT}")
        if kind == "context" and not 0 < len(b.get("elements", [])) <= MAX_CONTEXT_ELEMENTS:
            problems.append(f"block {i}: context needs 1..{MAX_CONTEXT_ELEMENTS} elements")
        if kind == "actions":
            for e in b.get("elements", []):
                if len(e.get("text", {}).get("text", "")) > MAX_BUTTON_TEXT:
                    problems.append(f"block {i}: button text > {MAX_BUTTON_TEXT}")
                if len(e.get("url", "")) > MAX_URL:
                    problems.append(f"block {i}: url > {MAX_URL}")
    return problems
