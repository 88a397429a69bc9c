"""xinfang — 信访台账: a command-line case ledger for a school's petition office."""

__version__ = "0.1.0"
