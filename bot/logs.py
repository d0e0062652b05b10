"""Logging for `liteproject`: one format, and Slack tokens never written out.

At DEBUG, slack_sdk logs request and response bodies, which carry bot tokens (an OAuth exchange
answers with one); every record is passed through `redact` before it is written.
"""

from __future__ import annotations

import logging
import re

# Slack tokens: xoxb- (bot), xoxp- (user), xoxa-/xoxr- (rotation), xoxe. (refresh), xapp- (app)
TOKEN = re.compile(r"\b(xox[abeoprs][.-]|xapp-)[A-Za-z0-9.-]+")


def redact(text: str) -> str:
    return TOKEN.sub(lambda match: f"{match.group(1)}…redacted", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "xox" in message or "xapp-" in message:
            record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactTokens())
