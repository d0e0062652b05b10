"""Domain errors: raised by services, shown to people as they are (short, specific, actionable)."""

from __future__ import annotations


class DomainError(Exception):
    """Something the person asked for can't be done; `message` says why and what to do instead."""

    def __init__(self, message: str, *, markup: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # the same sentence as Slack mrkdwn (mentions), already escaped; `message` is plain text
        self.markup = markup


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    pass


class InvalidInput(DomainError):
    """Bad input, with a message per field (keys are the form's field names)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Forbidden(DomainError):
    """The person may not do this to this project; the message says whom to ask."""
