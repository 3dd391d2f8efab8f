"""Staff accounts: roles, scrypt password hashes, and lockout after repeated failed sign-ins."""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field

import sqlite_utils
from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("viewer", "editor", "admin")  # each can do everything the ones before it can
MIN_PASSWORD = 10
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
HASH_METHOD = "scrypt"
# Checked when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password", method=HASH_METHOD)


class UserError(ValueError):
    """A username, role or password that cannot be used, in a plain sentence."""


@dataclass(frozen=True)
class User:
    """A signed-in member of staff."""

    id: int
    username: str
    role: str
    # Random, replaced on sign-out, password or role change; a cookie must carry it.
    session_secret: str = field(default="", repr=False, compare=False)

    def can(self, role: str) -> bool:
        """True when this user's role includes role's rights."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or a sentence saying why not."""

    user: User | None
    problem: str = ""


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 64 or not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise UserError("A username is 1 to 64 letters, digits, dots, dashes, @ or underscores.")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"The role must be one of: {', '.join(ROLES)}.")
    return role


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"A password needs at least {MIN_PASSWORD} characters.")
    return password


def _user(row: dict) -> User:
    return User(row["id"], row["username"], row["role"], row.get("session_secret") or "")


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def create(db: sqlite_utils.Database, username: str, password: str, role: str) -> User:
    """Add a staff account; UserError if the name is taken or a value is not acceptable."""
    name = _check_username(username)
    _check_role(role)
    _check_password(password)
    if find(db, name) is not None:
        raise UserError(f"There is already a user called {name}.")
    row = {
        "username": name,
        "password_hash": generate_password_hash(password, method=HASH_METHOD),
        "role": role,
        "failed": 0,
        "locked_until": 0.0,
        "session_secret": _new_secret(),
    }
    with db.atomic():
        row["id"] = db["staff_user"].insert(row).last_pk
    return _user(row)


def find(db: sqlite_utils.Database, username: str) -> dict | None:
    """The stored row for a username (case-insensitive), or None."""
    query = "SELECT * FROM staff_user WHERE lower(username) = lower(?)"
    rows = list(db.query(query, [username.strip()]))
    return rows[0] if rows else None


def get(db: sqlite_utils.Database, user_id: int) -> User | None:
    """The user with this id, or None (deleted since they signed in)."""
    rows = list(db.query("SELECT * FROM staff_user WHERE id = ?", [user_id]))
    return _user(rows[0]) if rows else None


def signed_in(db: sqlite_utils.Database, user_id: int, secret: str) -> User | None:
    """The user a session belongs to, or None if the account is gone or the secret changed.

    A deleted account's id may be given to a new account, which has its own secret.
    """
    user = get(db, user_id)
    if user is None or not user.session_secret:
        return None
    if not hmac.compare_digest(user.session_secret.encode(), secret.encode()):
        return None
    return user


def end_sessions(db: sqlite_utils.Database, user_id: int) -> None:
    """Sign a user out everywhere: every cookie issued so far stops working."""
    with db.atomic():
        db["staff_user"].update(user_id, {"session_secret": _new_secret()})


def all_users(db: sqlite_utils.Database) -> list[dict]:
    """Every account, by username, without password hashes."""
    sql = "SELECT id, username, role, failed, locked_until FROM staff_user ORDER BY username"
    return list(db.query(sql))


# One sentence for every refusal: an unknown name, a wrong password and a locked account
# read the same, so sign-in cannot tell a stranger which usernames exist.
REFUSED = (
    f"The username or password is wrong, or the account is locked after {MAX_FAILURES} "
    f"failed sign-ins (for {LOCKOUT_SECONDS // 60} minutes, or until an admin unlocks it)."
)


def _claim_attempt(db: sqlite_utils.Database, user_id: int, now: float) -> bool:
    """Count one attempt before the password is checked; False if the account is locked.

    One UPDATE does it, so concurrent attempts each take their own number: however many
    arrive at once, at most MAX_FAILURES are checked before the account locks. The attempt
    that reaches the limit locks it at once (a right password then lifts the lock).
    """
    sql = """
        UPDATE staff_user
        SET failed = CASE WHEN locked_until > 0 THEN 1 ELSE coalesce(failed, 0) + 1 END,
            locked_until = CASE
                WHEN (CASE WHEN locked_until > 0 THEN 1 ELSE coalesce(failed, 0) + 1 END) >= ?
                THEN ? ELSE 0 END
        WHERE id = ? AND coalesce(locked_until, 0) <= ?
    """
    with db.atomic():
        cursor = db.execute(sql, [MAX_FAILURES, now + LOCKOUT_SECONDS, user_id, now])
    return cursor.rowcount == 1


def authenticate(
    db: sqlite_utils.Database, username: str, password: str, now: float | None = None
) -> SignIn:
    """Check a username and password, counting failures and locking the account after too many.

    Every refusal gives the same sentence and checks a password hash, so neither the words
    nor the time taken tell an unknown name from a locked account.
    """
    now = time.time() if now is None else now
    row = find(db, username)
    if row is None or not _claim_attempt(db, row["id"], now):
        check_password_hash(_DUMMY_HASH, password)
        return SignIn(None, REFUSED)
    if not check_password_hash(row["password_hash"], password):
        return SignIn(None, REFUSED)
    with db.atomic():
        db["staff_user"].update(row["id"], {"failed": 0, "locked_until": 0.0})
    return SignIn(_user(row))


def set_password(db: sqlite_utils.Database, user_id: int, password: str) -> None:
    """Replace a user's password (lifting any lockout and ending every session)."""
    _check_password(password)
    with db.atomic():
        db["staff_user"].update(
            user_id,
            {
                "password_hash": generate_password_hash(password, method=HASH_METHOD),
                "failed": 0,
                "locked_until": 0.0,
                "session_secret": _new_secret(),
            },
        )


def set_role(db: sqlite_utils.Database, user_id: int, role: str) -> None:
    """Change a user's role (ending their sessions); the last admin cannot stop being one."""
    _check_role(role)
    with db.atomic():
        if role != "admin" and _is_last_admin(db, user_id):
            raise UserError("This is the only admin; make someone else admin first.")
        db["staff_user"].update(user_id, {"role": role, "session_secret": _new_secret()})


def unlock(db: sqlite_utils.Database, user_id: int) -> None:
    """Lift a lockout and forget past failures."""
    with db.atomic():
        db["staff_user"].update(user_id, {"failed": 0, "locked_until": 0.0})


def delete(db: sqlite_utils.Database, user_id: int) -> None:
    """Remove an account; the last admin cannot be removed."""
    with db.atomic():
        if _is_last_admin(db, user_id):
            raise UserError("This is the only admin; make someone else admin first.")
        db.execute("DELETE FROM staff_user WHERE id = ?", [user_id])


def _is_last_admin(db: sqlite_utils.Database, user_id: int) -> bool:
    admins = [r[0] for r in db.execute("SELECT id FROM staff_user WHERE role = 'admin'")]
    return admins == [user_id]
