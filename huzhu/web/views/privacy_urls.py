"""URL patterns of the privacy pages (included by ``huzhu.web.urls``)."""

from django.urls import path

from huzhu.web.views import privacy

A = "account/"

urlpatterns = [
    path(A + "privacy/", privacy.privacy_settings, name="privacy_settings"),
    path(A + "privacy/phone/", privacy.phone_set, name="privacy_phone"),
    path(A + "privacy/phone/reveal/", privacy.phone_reveal, name="privacy_phone_reveal"),
    path(A + "addresses/", privacy.addresses, name="privacy_addresses"),
    path(
        A + "addresses/<int:address_id>/withdraw/",
        privacy.address_withdraw_view,
        name="privacy_address_withdraw",
    ),
    path(
        A + "addresses/share/<int:request_id>/",
        privacy.address_share_page,
        name="privacy_address_share",
    ),
    path(A + "contacts/", privacy.contacts, name="privacy_contacts"),
    path(A + "consent/", privacy.consent, name="privacy_consent"),
    path(A + "data/", privacy.data_page, name="privacy_data"),
    path(A + "data/export/", privacy.export_start, name="privacy_export"),
    path(A + "data/exports/<int:job_id>/", privacy.export_status, name="privacy_export_status"),
    path(
        A + "data/exports/<int:job_id>/download/",
        privacy.export_download,
        name="privacy_export_download",
    ),
    path(A + "data/name/", privacy.display_name_correct, name="privacy_display_name"),
    path(A + "data/delete/", privacy.account_delete, name="privacy_delete"),
    path(A + "restore/", privacy.account_restore, name="account_restore"),
    path("staff/deletions/", privacy.staff_deletions, name="staff_deletions"),
    path(
        "staff/deletions/<int:user_id>/cancel/",
        privacy.staff_deletion_cancel,
        name="staff_deletion_cancel",
    ),
    path("groups/<int:group_id>/alias/", privacy.alias_set, name="group_alias"),
    path(
        "groups/<int:group_id>/members/<int:user_id>/profile/",
        privacy.member_profile,
        name="member_profile",
    ),
]
