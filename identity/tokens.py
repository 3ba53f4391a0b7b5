"""API tokens: random, shown once, stored only as a SHA-256 hash.

A token is high-entropy (256 bits), so a fast hash is enough: no one can guess it, and a
stolen table of hashes does not give tokens back."""

import hashlib
import secrets

PREFIX = "cf_"


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
