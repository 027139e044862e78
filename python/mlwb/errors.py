"""The one exception type the client raises for bad input or misuse."""


class MlwbError(ValueError):
    """Invalid argument or invalid use of the mlwb client.

    A ValueError subclass so callers that already guard numeric parsing or
    argument checks with ``except ValueError`` keep working.
    """
