"""The review desk's editors, their sessions and failed sign-ins, kept in the store.

Passwords are stored only as argon2 hashes. A session is a random token handed to the
browser in a cookie; the store keeps its SHA-256, so reading the table does not let anyone
sign in. Failed sign-ins are rows, counted per user name and per client address, so
throttling holds across restarts and across several desk processes.
"""

from __future__ import annotations

import hashlib
import secrets
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select

from foreigndesk.errors import DeskError
from foreigndesk.store.repository import Store
from foreigndesk.store.tables import LoginFailureRow, SessionRow, UserRow, utcnow

#: Shortest password `user add` accepts.
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# Verified for unknown user names too, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


#: Editors review, approve and publish; admins also manage sources and triage rules.
ROLES = ("editor", "admin")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    created_at: datetime | None = None
    last_login_at: datetime | None = None
    role: str = "editor"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: who, its CSRF token, and until when."""

    user: User
    csrf_token: str
    expires_at: datetime


class _Refused(Exception):
    """Raised inside a transaction to roll back an attempt over the limit."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
        role=row.role,
    )


def _check_role(role: str | None) -> None:
    if role is not None and role not in ROLES:
        raise DeskError(f"role {role!r} — choose editor or admin")


def check_user_name(name: str) -> str:
    cleaned = name.strip()
    if (
        not cleaned
        or len(cleaned) > 128
        or any(c.isspace() or not c.isprintable() for c in cleaned)
    ):
        raise DeskError(
            f"user name {name!r} is not usable — use 1 to 128 printable characters, no spaces"
        )
    return cleaned


class Accounts:
    """Editors and their sessions, in the desk's store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- users -------------------------------------------------------------------------

    def add_user(self, name: str, password: str, role: str | None = None) -> User:
        """A new user; without ``role``, the desk's first user is its admin and the
        others are editors."""
        name = check_user_name(name)
        if len(password) < MIN_PASSWORD:
            raise DeskError(f"password too short — use at least {MIN_PASSWORD} characters")
        _check_role(role)
        with self.store.transaction() as session:
            if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise DeskError(
                    f"user {name!r} exists — `foreigndesk user password {name}` changes the"
                    " password"
                )
            if role is None:
                admins = session.scalar(
                    select(func.count()).select_from(UserRow).where(UserRow.role == "admin")
                )
                role = "editor" if admins else "admin"
            row = UserRow(name=name, password_hash=_hasher.hash(password), role=role)
            session.add(row)
            session.flush()
            return _user(row)

    def set_password(self, name: str, password: str) -> User:
        """A new password; every session of the user ends."""
        if len(password) < MIN_PASSWORD:
            raise DeskError(f"password too short — use at least {MIN_PASSWORD} characters")
        with self.store.transaction() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise DeskError(f"no user {name!r} — see `foreigndesk user list`")
            row.password_hash = _hasher.hash(password)
            session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            return _user(row)

    def set_role(self, name: str, role: str) -> User:
        _check_role(role)
        with self.store.transaction() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise DeskError(f"no user {name!r} — see `foreigndesk user list`")
            row.role = role
            return _user(row)

    def remove_user(self, name: str) -> None:
        with self.store.transaction() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise DeskError(f"no user {name!r} — see `foreigndesk user list`")
            session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            session.delete(row)

    def users(self) -> list[User]:
        with self.store.transaction() as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password is theirs; None otherwise (in the same time)."""
        with self.store.transaction() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            stored = row.password_hash if row is not None else _DUMMY_HASH
            try:
                _hasher.verify(stored, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return None
            if row is None:
                return None
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            row.last_login_at = utcnow()
            return _user(row)

    # -- throttling ----------------------------------------------------------------------

    def reserve_attempt(self, keys: list[str], window: timedelta, limit: int) -> list[int] | None:
        """Count a sign-in attempt as failed before its password is checked, in the same
        transaction that counts the earlier ones; None when ``limit`` were reached within
        ``window`` for any of ``keys``. However many attempts arrive at once, at most
        ``limit`` get their password checked. The ids are the attempt's rows, for
        ``settle``.

        The first statement writes: on SQLite the transaction holds the write lock from
        there on, so attempts are counted one after another; on PostgreSQL an advisory
        lock per key does the same.
        """
        now = utcnow()
        try:
            with self.store.transaction() as session:
                if self.store.engine.dialect.name == "postgresql":
                    for key in sorted(keys):
                        session.execute(
                            select(func.pg_advisory_xact_lock(zlib.crc32(key.encode())))
                        )
                rows = [LoginFailureRow(key=key, at=now) for key in keys]
                session.add_all(rows)
                session.flush()
                counts = session.execute(
                    select(LoginFailureRow.key, func.count())
                    .where(LoginFailureRow.key.in_(keys), LoginFailureRow.at >= now - window)
                    .group_by(LoginFailureRow.key)
                )
                if max((int(count) for _, count in counts), default=0) > limit:
                    raise _Refused
                session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < now - window))
                return [row.id for row in rows]
        except _Refused:
            return None

    def settle(self, attempt: list[int], *, succeeded: bool, clear: Sequence[str] = ()) -> None:
        """An attempt's password was checked: a failure stays counted; a success takes
        back its own rows and clears the failures of ``clear`` (the user name)."""
        if not succeeded:
            return
        with self.store.transaction() as session:
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.id.in_(attempt)))
            if clear:
                session.execute(delete(LoginFailureRow).where(LoginFailureRow.key.in_(list(clear))))

    # -- sessions ------------------------------------------------------------------------

    def start_session(self, user: User, lifetime: timedelta) -> tuple[str, WebSession]:
        """A new session: (the token for the cookie, the session). Old expired ones go."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        web_session = WebSession(
            user=user, csrf_token=secrets.token_urlsafe(32), expires_at=now + lifetime
        )
        with self.store.transaction() as session:
            session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            session.add(
                SessionRow(
                    token_hash=_digest(token),
                    user_id=user.id,
                    csrf_token=web_session.csrf_token,
                    created_at=now,
                    expires_at=web_session.expires_at,
                )
            )
        return token, web_session

    def session(self, token: str) -> WebSession | None:
        """The live session the cookie's token names, or None."""
        if not token or len(token) > 128:
            return None
        with self.store.transaction() as session:
            found = session.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.token_hash == _digest(token))
            ).first()
            if found is None:
                return None
            row, user = found
            expires = (
                row.expires_at
                if row.expires_at.tzinfo
                else row.expires_at.replace(tzinfo=utcnow().tzinfo)
            )
            if expires <= utcnow():
                session.delete(row)
                return None
            return WebSession(user=_user(user), csrf_token=row.csrf_token, expires_at=expires)

    def end_session(self, token: str) -> None:
        with self.store.transaction() as session:
            session.execute(delete(SessionRow).where(SessionRow.token_hash == _digest(token)))


__all__ = ["MIN_PASSWORD", "Accounts", "User", "WebSession", "check_user_name"]
