"""Domain errors: raised by services, shown to people as they are (short, specific, actionable)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Something the person asked for can't be done; `message` says why and what to do instead."""

    def __init__(self, message: str, *, markup: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # the same sentence as Slack mrkdwn (mentions), already escaped; `message` is plain text
        self.markup = markup

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from its attributes, whatever its own constructor takes: an error raised in the
        # SQLite writer's process crosses back to the request pickled (see storage.process_writer)
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(cls: type[DomainError], args: tuple[Any, ...], state: dict[str, Any]) -> DomainError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


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
