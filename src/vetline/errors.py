"""Errors a user can cause and fix. The CLI turns them into exit code 2 and one line."""

from __future__ import annotations


class BadInput(Exception):
    """Input that breaks a contract: names the field (or file) and the problem."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
