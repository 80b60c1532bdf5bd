"""URL patterns of the trust-and-safety pages (included by ``huzhu.web.urls``)."""

from django.urls import path

from huzhu.web.views import moderation

G = "groups/<int:group_id>/moderation/"

urlpatterns = [
    path("report/<str:target_type>/<int:target_id>/", moderation.report_content, name="report"),
    path(
        "groups/<int:group_id>/members/<int:user_id>/report/",
        moderation.report_member,
        name="report_member",
    ),
    path(G, moderation.queue_page, name="mod_queue"),
    path(G + "settings/", moderation.settings_page, name="mod_settings"),
    path(G + "members/<int:user_id>/", moderation.member_page, name="mod_member"),
    path(G + "appeals/", moderation.appeals_page, name="mod_appeals"),
    path(G + "appeals/<int:appeal_id>/", moderation.appeal_detail, name="appeal_detail"),
    path("moderation/items/<int:item_id>/claim/", moderation.item_claim, name="mod_item_claim"),
    path(
        "moderation/items/<int:item_id>/resolve/",
        moderation.item_resolve,
        name="mod_item_resolve",
    ),
    path("moderation/", moderation.platform_queue_page, name="platform_queue"),
    path("me/sanctions/", moderation.my_sanctions, name="my_sanctions"),
    path("me/sanctions/<int:sanction_id>/appeal/", moderation.appeal_file, name="appeal_file"),
    path("groups/<int:group_id>/standing/", moderation.standing_page, name="standing"),
    path("notes/<str:target_type>/<int:target_id>/", moderation.notes_panel, name="notes"),
    path("notes/<int:note_id>/rate/", moderation.note_rate, name="note_rate"),
]
