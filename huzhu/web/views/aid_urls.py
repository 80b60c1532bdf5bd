"""URL patterns of the mutual-aid and notification pages (included by ``huzhu.web.urls``)."""

from django.urls import path

from huzhu.web.views import aid

G = "groups/<int:group_id>/aid/"
R = G + "<int:request_id>/"

urlpatterns = [
    path(G, aid.aid_list, name="aid_list"),
    path(G + "new/", aid.aid_post, name="aid_post"),
    path(G + "preview/", aid.aid_preview, name="aid_preview"),
    path(G + "queue/", aid.aid_queue, name="aid_queue"),
    path(G + "ledger/", aid.aid_ledger, name="aid_ledger"),
    path(G + "rules/", aid.aid_rules, name="aid_rules"),
    path(G + "disputes/", aid.aid_disputes, name="aid_disputes"),
    path(R, aid.aid_detail, name="aid_request"),
    path(R + "edit/", aid.aid_edit, name="aid_edit"),
    path(R + "help/", aid.aid_help, name="aid_help"),
    path(R + "answer/", aid.aid_answer, name="aid_answer"),
    path(R + "answers/<int:answer_id>/accept/", aid.aid_accept, name="aid_accept"),
    path(R + "thank/<int:user_id>/", aid.aid_thank, name="aid_thank"),
    path(R + "close/", aid.aid_close, name="aid_close"),
    path(R + "moderate/", aid.aid_moderate, name="aid_moderate"),
    path(R + "helps/<int:help_id>/dispute/", aid.aid_dispute, name="aid_dispute"),
    path("people/<int:user_id>/aid/", aid.aid_member, name="aid_member"),
    path("notifications/", aid.notifications_page, name="notifications"),
    path("notifications/read/", aid.notifications_read, name="notifications_read"),
]
