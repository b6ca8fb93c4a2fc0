"""The one domain error type. Services raise it; views show it as a form message, the API as 422."""


class DomainError(Exception):
    """A rule was broken by the input. `field` names the input at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field: [message]} if field else {"__all__": [message]})
