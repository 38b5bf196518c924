"""Users of an API account (the enterprise user model)."""

from __future__ import annotations

from pydantic import Field

from ._base import WireModel


class UserApi(WireModel):
    """The user's API credentials: ``token`` is the X-User-Token."""

    token: str


class User(WireModel):
    """A user synced with POST /v1/users.

    ``api.token`` authenticates the user: it goes in the X-User-Token header
    and in the room's ``userApiToken`` query parameter. Treat it as a secret.
    """

    id: str | None = Field(default=None, alias="_id")
    name: str | None = None
    email: str | None = None
    external_id: str | None = None
    picture: str | None = None
    thumbnail: str | None = None
    plan: str | None = None
    api: UserApi | None = None

    @property
    def token(self) -> str:
        """Return the user's API token.

        Raises:
            ValueError: the document carried no ``api.token``.
        """
        if self.api is None:
            raise ValueError("this user document carries no api.token")
        return self.api.token

    def __repr__(self) -> str:
        # Keep the token out of reprs, tracebacks and notebook outputs.
        return f"User(id={self.id!r}, name={self.name!r}, email={self.email!r})"

    __str__ = __repr__
