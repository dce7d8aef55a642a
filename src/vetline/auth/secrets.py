"""Password hashing (argon2id), keyed digests of bearer secrets, and TOTP.

Why two kinds of hash: passwords are low-entropy, so they get a slow, salted argon2id hash
(``argon2-cffi``'s RFC 9106 defaults). Session and API tokens are 256-bit random values; a
slow hash buys nothing there and they must be looked up by value, so they are stored as
HMAC-SHA256 under the server secret: a stolen table alone cannot confirm a token.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import unicodedata

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
MIN_PASSWORD = 12
MAX_PASSWORD = 256
#: zxcvbn score a new password must reach (3: "safely unguessable", ~10^8 guesses or more).
MIN_STRENGTH = 3
TOTP_ISSUER = "vetline"


def hash_password(password: str) -> str:
    """An argon2id hash (salt and parameters embedded)."""
    return _hasher.hash(password)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so timing does not reveal accounts."""
    return _hasher.hash("not-a-real-password-but-same-cost")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-cost check; an unknown user (``None``) still pays for one verification."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, username: str) -> str | None:
    """Why a new password is refused, or ``None``.

    NIST SP 800-63B §5.1.1.2: length, no composition rules, and a check against passwords
    that are common, expected or easy to guess. Length alone let ``password1234`` through
    (issue 13 item 8); ``zxcvbn`` (Dropbox's estimator, maintained in Python) matches a
    password against its lists of common passwords, words, names, keyboard patterns,
    repeats and dates, with the username and the product name as extra words, and a
    password it scores below :data:`MIN_STRENGTH` (fewer than ~10^8 guesses) is refused
    with its warning as the reason.
    """
    if len(password) < MIN_PASSWORD:
        return f"must be at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"must be at most {MAX_PASSWORD} characters"
    if username.lower() in password.lower():
        return "must not contain the username"
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in password):
        return "must not contain control or invisible characters"
    estimate = zxcvbn(password[:100], user_inputs=[username, "vetline"])
    if int(estimate["score"]) < MIN_STRENGTH:
        warning = str(estimate["feedback"].get("warning") or "").rstrip(".")
        why = warning.lower() if warning else "too easy to guess"
        return f"is too easy to guess ({why}); use a longer passphrase"
    return None


def new_secret() -> str:
    """A 256-bit URL-safe random value (session cookies, API tokens, CSRF tokens)."""
    return secrets.token_urlsafe(32)


def digest(pepper: bytes, value: str) -> str:
    """HMAC-SHA256 of a bearer secret under the server's key, hex."""
    return hmac.new(pepper, value.encode("utf-8"), hashlib.sha256).hexdigest()


def new_totp_secret() -> str:
    """A base32 TOTP seed for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` provisioning URI (shown once, as text or QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def totp_step(secret: str, code: str, at_unix: float, last_step: int | None) -> int | None:
    """The time step ``code`` is valid for (±1 step of drift), or ``None``.

    Replay resistance (CJIS IA-2): a step at or before ``last_step`` is refused, so a code
    seen over someone's shoulder cannot be used again.
    """
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(at_unix // totp.interval)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
