"""Web page routes (app_name "web"). One block per views module; add yours as a new block."""

from django.urls import path

from huzhu.web.views import (
    accounts,
    aid_urls,
    chat,
    groups,
    moderation_urls,
    pages,
    privacy_urls,
    resources_urls,
    tokens,
    wellbeing_urls,
)

app_name = "web"

urlpatterns = [
    # pages: landing and the documents users consent to
    path("", pages.landing, name="landing"),
    path("privacy/", pages.privacy_policy, name="privacy"),
    path("community-rules/", pages.community_rules, name="community_rules"),
    # accounts
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.login_view, name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("account/password/", accounts.password_change, name="password_change"),
    # groups
    path("groups/", groups.my_groups, name="my_groups"),
    path("groups/<int:group_id>/", groups.group_home, name="group_home"),
    path("groups/<int:group_id>/settings/", groups.group_settings, name="group_settings"),
    path("groups/<int:group_id>/audit/", groups.group_audit, name="group_audit"),
    path("groups/<int:group_id>/leave/", groups.group_leave, name="group_leave"),
    path("groups/<int:group_id>/invites/", groups.invite_create_view, name="invite_create"),
    path(
        "groups/<int:group_id>/invites/<int:invite_id>/revoke/",
        groups.invite_revoke_view,
        name="invite_revoke",
    ),
    path(
        "groups/<int:group_id>/members/<int:user_id>/role/", groups.member_role, name="member_role"
    ),
    path(
        "groups/<int:group_id>/members/<int:user_id>/remove/",
        groups.member_remove,
        name="member_remove",
    ),
    path(
        "groups/<int:group_id>/members/<int:user_id>/transfer/",
        groups.member_transfer,
        name="member_transfer",
    ),
    path("join/", groups.join_by_code, name="join_by_code"),
    path("join/<str:code>/", groups.join, name="join"),
    # API tokens
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    # group chat
    path("groups/<int:group_id>/chat/", chat.chat_page, name="chat"),
    path("groups/<int:group_id>/chat/share/", chat.chat_share, name="chat_share"),
    # mutual aid (互助) and notifications
    *aid_urls.urlpatterns,
    # trust and safety: reports, review queue, sanctions, appeals, standing, notes
    *moderation_urls.urlpatterns,
    # shared resources (资源), search and savings
    *resources_urls.urlpatterns,
    # healthy use: my usage, limits, reports, digests; group quiet hours
    *wellbeing_urls.urlpatterns,
    # privacy: settings, addresses, contact requests, consent, data rights
    *privacy_urls.urlpatterns,
]
