"""Who is calling: the API account of X-API-Key and the user of X-User-Token."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Header, Request

from .db import Store
from .errors import ApiError


def get_store(request: Request) -> Store:
    """Return the store of the running app."""
    store: Store = request.app.state.store
    return store


def require_account(
    request: Request,
    x_api_key: Annotated[
        str | None, Header(description="The API account's key.")
    ] = None,
) -> sa.Row[Any]:
    """Return the API account of the X-API-Key header.

    Raises:
        ApiError: 401 when the key is missing or unknown.
    """
    if not x_api_key:
        raise ApiError(
            401, "missing_api_key", "send your API key in the X-API-Key header"
        )
    account = get_store(request).account_for_key(x_api_key)
    if account is None:
        raise ApiError(
            401,
            "invalid_api_key",
            "the X-API-Key is not a key of this service; check it or create one "
            "with `python -m ipyinterview keys create`",
        )
    return account


Account = Annotated[sa.Row[Any], Depends(require_account)]


def require_user(
    request: Request,
    account: Account,
    x_user_token: Annotated[
        str | None, Header(description="The user's api.token from POST /v1/users.")
    ] = None,
) -> sa.Row[Any]:
    """Return the user of the X-User-Token header, a user of the caller's account.

    Raises:
        ApiError: 401 when the token is missing or unknown; 403 when it belongs
            to another API account.
    """
    if not x_user_token:
        raise ApiError(
            401,
            "missing_user_token",
            "send the user's api.token (from POST /v1/users) "
            "in the X-User-Token header",
        )
    user = get_store(request).user_for_token(x_user_token)
    if user is None:
        raise ApiError(
            401,
            "invalid_user_token",
            "the X-User-Token is not a user's token; sync the user with POST /v1/users",
        )
    if user.account_id != account.id:
        raise ApiError(
            403,
            "user_of_another_account",
            "this user token belongs to another API account; use that account's key",
        )
    return user


User = Annotated[sa.Row[Any], Depends(require_user)]
