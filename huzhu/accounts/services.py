"""Account use cases: sign up with consent, change password, create/revoke/authenticate API tokens."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.accounts.models import ApiToken, Consent, ConsentKind, TokenScope, User
from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Conflict, InvalidInput

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{3,30}$")
DISPLAY_NAME_MAX = 40
TOKEN_PREFIX = "hz_"  # noqa: S105 - a public prefix, not a secret


def _validate_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="weak_password") from exc


def user_signup(
    *,
    username: str,
    display_name: str,
    password: str,
    accept_privacy_policy: bool,
    accept_community_rules: bool,
    age_14_or_over: bool = True,
    guardian_name: str = "",
    guardian_consent: bool = False,
) -> User:
    """Create an account. Consent to the privacy policy and community rules is required and recorded.

    The age confirmation is recorded too; under 14 needs a guardian's consent (PIPL Art. 31).
    """
    username = username.strip()
    display_name = display_name.strip()
    if not USERNAME_RE.match(username):
        raise InvalidInput(_("用户名须为 3–30 位字母、数字或下划线。"), code="invalid_username")
    if not display_name:
        raise InvalidInput(_("请填写显示名称。"), code="invalid_display_name")
    if len(display_name) > DISPLAY_NAME_MAX:
        raise InvalidInput(
            _("显示名称最多 %(max)d 个字符。") % {"max": DISPLAY_NAME_MAX},
            code="invalid_display_name",
        )
    if not (accept_privacy_policy and accept_community_rules):
        raise InvalidInput(_("注册前需要阅读并同意隐私政策和社区规范。"), code="consent_required")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("用户名“%(name)s”已被占用，请换一个。") % {"name": username}, code="username_taken"
        )
    if not age_14_or_over and not (guardian_consent and guardian_name.strip()):
        raise InvalidInput(
            _("未满 14 周岁需要监护人同意：请填写监护人姓名并勾选监护人同意。"),
            code="guardian_consent_required",
        )
    candidate = User(username=username, display_name=display_name)
    _validate_password(password, candidate)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username, password=password, display_name=display_name
            )
            Consent.objects.create(
                user=user, kind=ConsentKind.PRIVACY_POLICY, version=settings.PRIVACY_POLICY_VERSION
            )
            Consent.objects.create(
                user=user,
                kind=ConsentKind.COMMUNITY_RULES,
                version=settings.COMMUNITY_RULES_VERSION,
            )
            audit_record(
                event_type=AuditEventType.USER_SIGNED_UP,
                actor=user,
                target_user=user,
                extra={
                    "privacy_policy_version": settings.PRIVACY_POLICY_VERSION,
                    "community_rules_version": settings.COMMUNITY_RULES_VERSION,
                },
            )
            from huzhu.privacy.services import age_confirm

            age_confirm(
                user=user,
                is_14_or_over=age_14_or_over,
                guardian_name=guardian_name,
                guardian_consent=guardian_consent,
            )
    except IntegrityError as exc:  # a concurrent sign-up took the name between check and insert
        raise Conflict(
            _("用户名“%(name)s”已被占用，请换一个。") % {"name": username}, code="username_taken"
        ) from exc
    return user


def user_change_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise InvalidInput(_("当前密码不正确。"), code="wrong_password")
    _validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(event_type=AuditEventType.USER_PASSWORD_CHANGED, actor=user, target_user=user)


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    name = name.strip()
    if not name or len(name) > 60:
        raise InvalidInput(_("令牌名称须为 1–60 个字符。"), code="invalid_name")
    if scope not in TokenScope.values:
        raise InvalidInput(_("令牌权限只能是只读或读写。"), code="invalid_scope")
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= settings.API_TOKEN_MAX_PER_USER:
        raise Conflict(
            _("最多同时拥有 %(max)d 个有效令牌，请先撤销不用的令牌。")
            % {"max": settings.API_TOKEN_MAX_PER_USER},
            code="too_many_tokens",
        )
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=prefix, token_hash=_hash_token(secret), scope=scope
        )
        audit_record(
            event_type=AuditEventType.API_TOKEN_CREATED,
            actor=user,
            target=token,
            extra={"name": name, "scope": scope},
        )
    return token, secret


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        from huzhu.core.errors import NotFound

        raise NotFound(_("没有找到这个令牌。"))
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(event_type=AuditEventType.API_TOKEN_REVOKED, actor=user, target=token)
    return token


def api_token_authenticate(
    *, secret: str, consent_versions: dict[str, str] | None = None
) -> ApiToken | None:
    """Return the active token for a presented secret, or None. Constant-time comparison.

    With ``consent_versions`` (document kind → current version) the same query also tells whether
    the token's user has accepted each of them: ``token.consent_current`` is True then (one round
    trip for authentication and the consent check of an API request).
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    prefix = secret[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = _token_with_user(prefix=prefix, consent_versions=consent_versions or {})
    if token is None or not token.user.is_active:
        return None
    if not secrets.compare_digest(token.token_hash, _hash_token(secret)):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@functools.cache
def _token_with_user_sql(vendor: str, versions: int) -> tuple[str, int, int]:
    """(query, token columns, user columns) for ``versions`` consent checks on this database
    vendor, built once."""
    from django.db import connection

    from huzhu.core.rows import select_columns

    qn = connection.ops.quote_name
    consent = " AND ".join(
        f"EXISTS (SELECT 1 FROM {qn(Consent._meta.db_table)} c WHERE c.{qn('user_id')} = "  # noqa: S608
        f"t.{qn('user_id')} AND c.{qn('kind')} = %s AND c.{qn('version')} = %s)"
        for _ in range(versions)
    )
    token_cols, user_cols = select_columns(ApiToken, "t"), select_columns(User, "u")
    sql = (
        f"SELECT {', '.join(token_cols + user_cols)}, {consent or 'FALSE'} "  # noqa: S608 - model names
        f"FROM {qn(ApiToken._meta.db_table)} t JOIN {qn(User._meta.db_table)} u "
        f"ON u.{qn('id')} = t.{qn('user_id')} "
        f"WHERE t.{qn('prefix')} = %s AND t.{qn('revoked_at')} IS NULL"
    )
    return sql, len(token_cols), len(user_cols)


def _token_with_user(*, prefix: str, consent_versions: dict[str, str]) -> ApiToken | None:
    """The unrevoked token with ``prefix`` and its user, in one hand-written query (it runs on
    every API request; the ORM spends more CPU building it than PostgreSQL answering it).
    ``token.consent_current``: the user has accepted every version in ``consent_versions``."""
    from django.db import connection

    from huzhu.core.rows import instance_from_row

    sql, n_token, n_user = _token_with_user_sql(connection.vendor, len(consent_versions))
    params: list[str] = [v for kind, version in consent_versions.items() for v in (kind, version)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    token = instance_from_row(ApiToken, row[:n_token])
    token.user = instance_from_row(User, row[n_token : n_token + n_user])
    token.consent_current = bool(consent_versions) and bool(row[-1])  # type: ignore[attr-defined]
    return token
