"""The admin password: kept in the settings only as a salted scrypt hash, checked in constant time.

`lichthidua admin-password` prints the hash of a password typed at the
prompt; the admin puts it in ``admin_password_hash``. The same secret works
as a password (HTTP Basic, what a browser asks for) and as a bearer token
(scripts, monitoring). Pure functions: no settings, files or clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # ~16 MB and ~50 ms per check: slow for guessing, fine for an admin page


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$salt$hash' (base64) for `password`."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    b64 = base64.urlsafe_b64encode
    return f"{SCHEME}${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def is_hash(value: str) -> bool:
    parts = value.split("$")
    return len(parts) == 6 and parts[0] == SCHEME and all(p.isdigit() for p in parts[1:4])


def verify_password(password: str, stored: str) -> bool:
    """True if `password` matches the `stored` hash; False for anything malformed."""
    if not is_hash(stored) or not password:
        return False
    _, n, r, p, salt, digest = stored.split("$")
    try:
        want = base64.urlsafe_b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.urlsafe_b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(want), maxmem=64 * 1024 * 1024)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got, want)
