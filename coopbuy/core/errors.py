"""The one error type of the core: a bad input, named by the JSON path of the field at fault.

`str(error)` is `path: message`, e.g. `demand[3].quantity: must be a non-negative integer`, which is
exactly the line the CLI prints; callers never need to format it themselves.
"""


class ProblemError(ValueError):
    """A bad input: `path` names the field, `message` says what is wrong."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
