"""Reading an HTML form: text fields trimmed and bounded, a clear error naming the field."""

from __future__ import annotations

from fastapi import Request

from vetline.errors import BadInput

MAX_FIELD = 2000


class FormData:
    """The posted fields of one form (only strings; files are refused)."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields

    @classmethod
    async def read(cls, request: Request) -> FormData:
        kind = request.headers.get("content-type", "")
        if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            return cls({})
        form = await request.form()
        fields: dict[str, str] = {}
        for name, value in form.multi_items():
            if not isinstance(value, str):
                raise BadInput(name, "files are not accepted here")
            if len(value) > MAX_FIELD:
                raise BadInput(name, f"at most {MAX_FIELD} characters")
            if "\x00" in value or "\x00" in name:  # PostgreSQL cannot hold one: a 500 there
                raise BadInput(name.replace("\x00", ""), "a NUL character is not allowed")
            fields.setdefault(name, value.strip())
        return cls(fields)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    def required(self, name: str, what: str) -> str:
        value = self.fields.get(name, "")
        if not value:
            raise BadInput(name, what)
        return value

    def flag(self, name: str) -> bool:
        return self.fields.get(name, "") in {"1", "on", "yes", "true"}
