"""Who is calling: the API account of X-API-Key and the user of X-User-Token.

Keys and tokens never change once issued, so what they resolve to is cached in
memory: a request that repeats a known key and token reaches its endpoint
without a database round trip. What does change (credits, plans) is read
fresh where it is used.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool

from .db import Store, hash_key
from .errors import ApiError

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Principal:
    """The API account a request acts for."""

    id: str


@dataclass(frozen=True)
class UserRef:
    """The user a request acts for, and the account it belongs to."""

    id: str
    account_id: str


class BoundedCache(Generic[K, V]):
    """A least-recently-used map of at most ``size`` entries."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)


class Resolver:
    """Resolves keys and tokens to their account and user, with caches."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.accounts: BoundedCache[str, Principal] = BoundedCache()
        self.users: BoundedCache[str, UserRef] = BoundedCache()

    async def account(self, key: str) -> Principal | None:
        digest = hash_key(key)
        found = self.accounts.get(digest)
        if found is None:
            row = await run_in_threadpool(self.store.account_for_key, key)
            if row is None:
                return None
            found = Principal(row.id)
            self.accounts.put(digest, found)
        return found

    async def user(self, token: str) -> UserRef | None:
        found = self.users.get(token)
        if found is None:
            row = await run_in_threadpool(self.store.user_for_token, token)
            if row is None:
                return None
            found = UserRef(row.id, row.account_id)
            self.users.put(token, found)
        return found


def get_store(request: Request) -> Store:
    """Return the store of the running app."""
    store: Store = request.app.state.store
    return store


async def require_account(
    request: Request,
    x_api_key: Annotated[
        str | None, Header(description="The API account's key.")
    ] = None,
) -> Principal:
    """Return the API account of the X-API-Key header.

    Raises:
        ApiError: 401 when the key is missing or unknown.
    """
    if not x_api_key:
        raise ApiError(
            401, "missing_api_key", "send your API key in the X-API-Key header"
        )
    account = await request.app.state.resolver.account(x_api_key)
    if account is None:
        raise ApiError(
            401,
            "invalid_api_key",
            "the X-API-Key is not a key of this service; check it or create one "
            "with `python -m ipyinterview keys create`",
        )
    return account


Account = Annotated[Principal, Depends(require_account)]


async def require_user(
    request: Request,
    account: Account,
    x_user_token: Annotated[
        str | None, Header(description="The user's api.token from POST /v1/users.")
    ] = None,
) -> UserRef:
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
    user = await request.app.state.resolver.user(x_user_token)
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


User = Annotated[UserRef, Depends(require_user)]
