"""The Typer commands. Each parses options, calls one service, renders; services load lazily."""
