"""URL patterns of the healthy-use pages (included by ``huzhu.web.urls``)."""

from django.urls import path

from huzhu.web.views import wellbeing

W = "me/wellbeing/"

urlpatterns = [
    path("me/", wellbeing.me_page, name="me"),
    path(W, wellbeing.usage_page, name="wellbeing"),
    path(W + "limits/", wellbeing.limits_page, name="wellbeing_limits"),
    path(W + "lock/", wellbeing.lock_view, name="wellbeing_lock"),
    path(W + "rest/", wellbeing.rest_page, name="wellbeing_rest"),
    path(W + "beat/", wellbeing.beat_view, name="wellbeing_beat"),
    path(W + "nudge/", wellbeing.nudge_fragment, name="wellbeing_nudge"),
    path(W + "reports/", wellbeing.report_latest, name="wellbeing_report"),
    path(W + "reports/<str:week>/", wellbeing.report_week, name="wellbeing_report_week"),
    path(W + "digests/<int:digest_id>/", wellbeing.digest_page, name="wellbeing_digest"),
    path("groups/<int:group_id>/wellbeing/", wellbeing.group_page, name="group_wellbeing"),
]
