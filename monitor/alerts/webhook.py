"""Standard Webhooks signatures through the reference `standardwebhooks` library.

A secret is `whsec_` + base64 of 24–64 random bytes (what `newsmon secret` prints); the
library base64-decodes every secret, so a plain string would sign with bytes the receiver
never derives. Such a secret is refused when the routes file is loaded.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PREFIX = "whsec_"
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64


class SecretError(ValueError):
    """A signing secret the reference library cannot use as given."""


def check_secret(secret: str) -> bytes:
    """The key bytes of a `whsec_` secret; SecretError says what is wrong with it."""
    if not secret.startswith(PREFIX):
        raise SecretError("a webhook secret must look like whsec_<base64> "
                          "(`newsmon secret` prints a new one)")
    body = secret.removeprefix(PREFIX)
    try:
        key = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise SecretError("the part after whsec_ is not base64 "
                          "(`newsmon secret` prints a new one)") from None
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise SecretError(f"the secret's key is {len(key)} bytes; use "
                          f"{MIN_KEY_BYTES}–{MAX_KEY_BYTES} (`newsmon secret` prints one)")
    return key


def new_secret(nbytes: int = 32) -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    check_secret(secret)
    return Webhook(secret).sign(msg_id, datetime.fromtimestamp(timestamp, UTC),
                                body.decode("utf-8"))


def webhook_headers(secret: str, msg_id: str, body: bytes,
                    timestamp: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, msg_id, ts, body),
        "content-type": "application/json",
    }


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when the reference library accepts the delivery (signature and timestamp)."""
    try:
        Webhook(secret).verify(body, dict(headers), json_parse=False)
    except (WebhookVerificationError, ValueError):
        return False
    return True
