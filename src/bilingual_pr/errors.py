"""The one exception type that carries a user-facing, one-line message."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or options: shown as one line, exit code 2."""

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def __str__(self) -> str:
        # Keep it to one line whatever the cause said.
        return " ".join(super().__str__().split())
