"""Domain errors: raised by services, shown to people as they are (short, specific, actionable)."""

from __future__ import annotations


class DomainError(Exception):
    """Something the person asked for can't be done; `message` says why and what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    pass


class InvalidInput(DomainError):
    """Bad input, with a message per field (keys are the form's field names)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
