"""The one exception tree of xinfang: every failure a user can cause is a XinfangError.

The CLI catches XinfangError at a single boundary, prints its Chinese message to stderr and exits
with its code (docs/exit-codes.md): 1 the ledger says no, 2 fix the command or its
surroundings.
"""

from __future__ import annotations


class XinfangError(Exception):
    """Base class: a message for the user (in Chinese) and an exit code."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def prefixed(self, prefix: str) -> XinfangError:
        """The same error, its message led by where the value came from (“--received：…”)."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.message = prefix + self.message
        copy.args = (copy.message,)
        return copy


class InputError(XinfangError):
    """A value the user typed cannot be read or is out of range (exit 2)."""

    exit_code = 2


class NotFoundError(XinfangError):
    """An unknown case number, category, department, channel… (exit 2). `suggestions`: the
    nearest valid names, nearest first (a prompt offers the first as its default)."""

    exit_code = 2

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class LedgerUnavailable(XinfangError):
    """The ledger cannot be opened, does not exist for a read, or is corrupt (exit 2)."""

    exit_code = 2


class FileFormatError(XinfangError):
    """An input file cannot be read, or its rows are invalid (exit 2)."""

    exit_code = 2


class NotAllowed(XinfangError):
    """The action is not allowed in the case's present state (exit 1)."""

    exit_code = 1
