"""Slack incoming-webhook payloads, built from slack-sdk's Block Kit models.

The models check Slack's limits (header ≤ 150, section text ≤ 3000, ≤ 10 fields, button
text ≤ 75, url ≤ 3000, …) when the payload is serialised; texts are cut to fit first, and
mrkdwn is escaped so article text cannot inject links or mentions.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from monitor.alerts.render import summary_line
from monitor.alerts.templates import context, render_text
from monitor.models import Alert

MAX_BLOCKS = 50  # per message: the one limit the block models cannot see
MAX_HEADER = HeaderBlock.text_max_length
MAX_SECTION_TEXT = SectionBlock.text_max_length
MAX_FIELD_TEXT = 2000
MAX_URL = ButtonElement.url_max_length
MAX_TEXT = 40000


def escape_mrkdwn(s: str) -> str:
    """Slack's three control characters, so article text cannot inject links or mentions."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(s: str, limit: int) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _link(url: str | None, label: str) -> str:
    if not url or len(url) > MAX_URL or any(c in url for c in "<>| "):
        return escape_mrkdwn(label)
    return f"<{url}|{escape_mrkdwn(label).replace('|', '¦')}>"


def _side_field(title: str, side: dict[str, Any], shown: dict[str, Any]) -> MarkdownTextObject:
    text = (
        f"*{title}*\n*{escape_mrkdwn(shown['figure'])}*  "
        f"«{escape_mrkdwn(str(side.get('text') or ''))}»\n"
        f"{_link(side.get('url'), shown['source'])}\n{escape_mrkdwn(shown['day'])}\n"
        f"> {escape_mrkdwn(str(side.get('sentence') or ''))}"
    )
    return MarkdownTextObject(text=_cut(text, MAX_FIELD_TEXT))


def slack_payload(alert: Alert, fact_url: str | None = None,
                  template: str | None = None) -> dict[str, Any]:
    """The alert as a Block Kit message in Arabic; `template` (the route's) gives the text
    phones show. Raises SlackObjectFormationError if a block breaks Slack's limits."""
    ctx = context(alert, fact_url)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=_cut(f"{ctx['kind']}: {ctx['label']}",
                                                   MAX_HEADER))),
        SectionBlock(text=MarkdownTextObject(text=_cut(
            f"*الحقيقة* `{escape_mrkdwn(alert.fact_key)}`\n"
            f"{escape_mrkdwn(summary_line(alert))}", MAX_SECTION_TEXT))),
        SectionBlock(fields=[_side_field(ctx["before"], alert.previous, ctx["previous"]),
                             _side_field(ctx["after"], alert.current, ctx["current"])]),
        ContextBlock(elements=[MarkdownTextObject(text=_cut(
            f"{escape_mrkdwn(ctx['reason'])} · `{alert.id}`", MAX_SECTION_TEXT))]),
    ]
    if fact_url and len(fact_url) <= MAX_URL:
        blocks.append(ActionsBlock(elements=[ButtonElement(
            text=PlainTextObject(text="صفحة الحقيقة"), url=fact_url)]))
    text = render_text(template, ctx)
    return {"text": _cut(text, MAX_TEXT), "blocks": [b.to_dict() for b in blocks]}


def validate_blocks(payload: dict[str, Any]) -> list[str]:
    """What in a payload Slack would reject, by slack-sdk's block models; empty when valid."""
    problems: list[str] = []
    if not isinstance(payload.get("text"), str) or not payload["text"].strip():
        problems.append("top-level text is missing (phones and notifications show it)")
    blocks = payload.get("blocks", [])
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    for i, raw in enumerate(blocks):
        block = Block.parse(raw)
        if block is None or type(block) is Block:
            problems.append(f"block {i}: unknown type {raw.get('type')!r}")
            continue
        try:
            block.validate_json()
        except SlackObjectFormationError as exc:
            problems.append(f"block {i}: {exc}")
    return problems
