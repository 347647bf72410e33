"""Who is making a request: today always the one local user.

Every analyst-made object stores its owner's id, so when accounts come this function reads the
session instead, and nothing stored needs to change.
"""

from __future__ import annotations

from annotations import LOCAL_USER


def current_user() -> str:
    """The id of the user making the request."""
    return LOCAL_USER
