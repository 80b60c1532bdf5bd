"""AES-GCM encryption for the few personal fields Huzhu must keep, with rotating keys.

Keys come from ``HUZHU_FIELD_KEYS`` (``kid1:base64key,kid2:base64key``, newest first; 32-byte keys).
Each ciphertext carries the id of the key that sealed it (``hz1:<kid>:<base64 nonce+ciphertext>``),
so old keys keep decrypting until ``huzhu rotate_field_keys`` re-encrypts everything to the newest.
The associated data binds a ciphertext to its purpose (``phone``, ``address``…), so a value copied
into another column does not decrypt there.

Blind indexes (HMAC-SHA256) let us find "who has this phone number" without storing it in clear.
Their key comes from ``HUZHU_FIELD_INDEX_KEY`` (default: derived from the secret key), not from the
field keys, so rotating field keys never changes an index.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "hz1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext could not be opened: wrong key, unknown key id, or tampered data."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]  # kid -> 32-byte key, in configuration order
    newest: str
    index_key: bytes


def parse_keys(raw: str) -> dict[str, bytes]:
    """``kid1:base64,kid2:base64`` → ``{"kid1": key, …}``; every key must be 32 bytes."""
    keys: dict[str, bytes] = {}
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        kid, sep, b64 = item.partition(":")
        kid = kid.strip()
        if not sep or not kid or not kid.isalnum() or len(kid) > 16:
            raise ImproperlyConfigured(
                "HUZHU_FIELD_KEYS: each entry is <key id>:<base64 key>, key ids alphanumeric."
            )
        try:
            key = base64.b64decode(b64.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"HUZHU_FIELD_KEYS: key {kid} is not base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"HUZHU_FIELD_KEYS: key {kid} must be 32 bytes (AES-256).")
        if kid in keys:
            raise ImproperlyConfigured(f"HUZHU_FIELD_KEYS: key id {kid} appears twice.")
        keys[kid] = key
    return keys


def development_keys(secret_key: str) -> str:
    """The development default: one key derived from the secret key (never used in production)."""
    key = hashlib.sha256(b"huzhu-field-key-dev:" + secret_key.encode()).digest()
    return "dev:" + base64.b64encode(key).decode()


@lru_cache(maxsize=8)
def _keyring_for(raw: str, index_secret: str) -> Keyring:
    keys = parse_keys(raw)
    if not keys:
        raise ImproperlyConfigured("HUZHU_FIELD_KEYS is empty.")
    newest = next(iter(keys))
    # The index key is derived from a separate secret so that rotating encryption keys does not
    # change blind indexes (they would all need recomputing, and lookups would miss meanwhile).
    index_key = hashlib.sha256(b"huzhu-blind-index:" + index_secret.encode()).digest()
    return Keyring(keys=keys, newest=newest, index_key=index_key)


def keyring() -> Keyring:
    return _keyring_for(settings.FIELD_KEYS, settings.FIELD_INDEX_SECRET)


def encrypt(plaintext: str, *, purpose: str) -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.newest]).encrypt(nonce, plaintext.encode(), purpose.encode())
    return f"{PREFIX}:{ring.newest}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("not a Huzhu ciphertext")
    return parts[1]


def decrypt(token: str, *, purpose: str) -> str:
    kid = key_id_of(token)
    key = keyring().keys.get(kid)
    if key is None:
        raise DecryptionError(f"unknown key id {kid}")
    try:
        blob = base64.b64decode(token.split(":", 2)[2], validate=True)
        opened = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], purpose.encode())
    except Exception as exc:  # InvalidTag, bad base64, short blob: all mean "cannot open"
        raise DecryptionError("ciphertext cannot be opened") from exc
    return opened.decode()


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    """Binary blobs (export archives): ``hz1:<kid>:`` then the nonce and the sealed bytes."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.newest]).encrypt(nonce, data, purpose.encode())
    return f"{PREFIX}:{ring.newest}:".encode() + nonce + sealed


def bytes_key_id(blob: bytes) -> str:
    head, sep, rest = blob.partition(b":")
    kid, sep2, _sealed = rest.partition(b":")
    if head != PREFIX.encode() or not sep or not sep2 or not kid.isalnum():
        raise DecryptionError("not a Huzhu ciphertext")
    return kid.decode()


def decrypt_bytes(blob: bytes, *, purpose: str) -> bytes:
    kid = bytes_key_id(blob)
    key = keyring().keys.get(kid)
    if key is None:
        raise DecryptionError(f"unknown key id {kid}")
    body = blob[len(PREFIX) + len(kid) + 2 :]
    try:
        return AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], purpose.encode())
    except Exception as exc:  # InvalidTag, short blob
        raise DecryptionError("ciphertext cannot be opened") from exc


def needs_rotation(token: str) -> bool:
    return key_id_of(token) != keyring().newest


def reencrypt(token: str, *, purpose: str) -> str:
    return encrypt(decrypt(token, purpose=purpose), purpose=purpose)


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC of a normalised value: equal inputs match, the value cannot be read back."""
    digest = hmac.new(keyring().index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return digest.hexdigest()


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``: enough to recognise one's own number, not to call it."""
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


def mask_text(text: str, *, keep: int = 2) -> str:
    """Keep the first ``keep`` characters and star the rest (names, addresses)."""
    text = text.strip()
    if len(text) <= keep:
        return "*" * len(text)
    return text[:keep] + "*" * min(len(text) - keep, 8)
