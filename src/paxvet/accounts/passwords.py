"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from paxvet.errors import InvalidInput, Problem

MIN_LENGTH = 12
_hasher = PasswordHasher()

# The most common passwords of public breach corpora that are 12+ characters long, plus this system's own
# words; a small list on purpose: length does most of the work.
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "password1234",
        "password12345",
        "passwordpassword",
        "qwertyuiop12",
        "qwertyuiopasdf",
        "iloveyou1234",
        "administrator",
        "administrator1",
        "adminadminadmin",
        "welcome12345",
        "changeme1234",
        "letmein12345",
        "aaaaaaaaaaaa",
        "abc123456789",
        "abcdefghijkl",
        "paxvetpaxvet",
        "paxvet123456",
        "contraseña123",
        "contrasena123",
        "contrasena1234",
        "bienvenido123",
        "1q2w3e4r5t6y",
        "zaq12wsxcde3",
        "qazwsxedcrfv",
        "trustno1trustno1",
        "superman1234",
        "football1234",
        "baseball1234",
    }
)


def policy_problems(password: str, username: str) -> list[Problem]:
    """Every way a proposed password breaks the policy (empty when acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(Problem(f"must be at least {MIN_LENGTH} characters long", "password"))
    lowered = password.lower()
    if username and username.lower() in lowered:
        problems.append(Problem("must not contain the username", "password"))
    if lowered in COMMON or len(set(lowered)) <= 2:
        problems.append(Problem("is too common", "password"))
    return problems


def check_policy(password: str, username: str) -> None:
    problems = policy_problems(password, username)
    if problems:
        raise InvalidInput("the password does not meet the policy", problems)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def generate_password() -> str:
    """A random password that passes the policy (about 120 bits)."""
    return secrets.token_urlsafe(20)


# Verifying against this when the user does not exist keeps login timing the same for both cases.
DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
