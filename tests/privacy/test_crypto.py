"""Field encryption: AES-GCM with key ids, rotation, blind index, masking, production refusal."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.privacy import crypto
from huzhu.privacy.models import RecoveryPhone, SharedAddress
from huzhu.privacy.services import (
    address_share,
    recovery_phone_set,
    user_find_by_recovery_phone,
)

KEY1 = base64.b64encode(b"1" * 32).decode()
KEY2 = base64.b64encode(b"2" * 32).decode()


def test_round_trip_carries_key_id_and_hides_plaintext(settings):
    settings.FIELD_KEYS = f"k1:{KEY1}"
    token = crypto.encrypt("13812345678", purpose="phone")
    assert token.startswith("hz1:k1:")
    assert "13812345678" not in token
    assert crypto.decrypt(token, purpose="phone") == "13812345678"
    # Same plaintext twice gives different ciphertexts (random nonce).
    assert crypto.encrypt("13812345678", purpose="phone") != token


def test_ciphertext_bound_to_purpose_and_tamper_evident(settings):
    settings.FIELD_KEYS = f"k1:{KEY1}"
    token = crypto.encrypt("上海市徐汇区", purpose="address.text")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, purpose="phone")
    raw = bytearray(base64.b64decode(token.split(":", 2)[2]))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("hz1:k1:" + base64.b64encode(bytes(raw)).decode(), purpose="address.text")


def test_old_key_still_decrypts_after_new_key_added(settings):
    settings.FIELD_KEYS = f"k1:{KEY1}"
    old = crypto.encrypt("x", purpose="p")
    settings.FIELD_KEYS = f"k2:{KEY2},k1:{KEY1}"
    assert crypto.decrypt(old, purpose="p") == "x"
    assert crypto.needs_rotation(old)
    assert crypto.key_id_of(crypto.encrypt("x", purpose="p")) == "k2"
    settings.FIELD_KEYS = f"k2:{KEY2}"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old, purpose="p")


@pytest.mark.parametrize(
    "raw",
    ["k1", "k1:not-base64!", f"k1:{base64.b64encode(b'short').decode()}", f"k1:{KEY1},k1:{KEY2}"],
)
def test_bad_key_configuration_is_refused(raw):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys(raw)


def test_blind_index_matches_equal_values_only_and_survives_rotation(settings):
    settings.FIELD_KEYS = f"k1:{KEY1}"
    a = crypto.blind_index("13812345678", purpose="phone")
    settings.FIELD_KEYS = f"k2:{KEY2},k1:{KEY1}"
    assert crypto.blind_index("13812345678", purpose="phone") == a
    assert crypto.blind_index("13812345679", purpose="phone") != a
    assert "13812345678" not in a


def test_masks():
    assert crypto.mask_phone("13812345678") == "138****5678"
    assert crypto.mask_text("张三丰", keep=1) == "张**"


def test_phone_stored_encrypted_and_found_by_blind_index(member):
    recovery_phone_set(user=member, phone="+86 138-1234-5678")
    row = RecoveryPhone.objects.get(user=member)
    assert "5678" not in row.phone_encrypted
    assert user_find_by_recovery_phone(phone="13812345678") == member
    assert user_find_by_recovery_phone(phone="13812345670") is None


def test_rotate_command_reencrypts_everything_to_newest_key(settings, member, alice, groupbuy):
    settings.FIELD_KEYS = f"k1:{KEY1}"
    recovery_phone_set(user=member, phone="13812345678")
    address_share(
        actor=alice,
        request_id=groupbuy.pk,
        recipient_name="阿丽",
        phone="13900001111",
        address="上海市徐汇区漕溪北路 1 号",
    )
    settings.FIELD_KEYS = f"k2:{KEY2},k1:{KEY1}"
    call_command("rotate_field_keys", "--no-progress")
    phone = RecoveryPhone.objects.get(user=member)
    addr = SharedAddress.objects.get(owner=alice)
    assert crypto.key_id_of(phone.phone_encrypted) == "k2"
    assert crypto.key_id_of(addr.address_encrypted) == "k2"
    settings.FIELD_KEYS = f"k2:{KEY2}"  # the old key can now be dropped
    assert crypto.decrypt(phone.phone_encrypted, purpose="phone") == "13812345678"
    assert user_find_by_recovery_phone(phone="13812345678") == member
    assert AuditEvent.objects.filter(event_type=AuditEventType.FIELD_KEYS_ROTATED).exists()


def test_production_refuses_to_start_without_field_keys():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HUZHU_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env |= {
        "HUZHU_ENV": "production",
        "HUZHU_SECRET_KEY": "s" * 60,
        "HUZHU_ALLOWED_HOSTS": "x.org",
    }
    code = "import config.settings"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "HUZHU_FIELD_KEYS" in result.stderr
    env["HUZHU_FIELD_KEYS"] = f"k1:{KEY1}"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
