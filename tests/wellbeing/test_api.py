"""The wellbeing API: own data only, limits, heartbeats, reports, digests, group quiet hours and
owner-only aggregates."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from huzhu.notifications.services import notification_create
from huzhu.wellbeing.services import wellbeing_heartbeat, wellbeing_settings_update
from tests.api.conftest import ApiClient, error, token_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def api(user, scope="read_write"):
    return ApiClient(token_for(user, scope))


def test_limits_round_trip_and_validation(member):
    client = api(member)
    body = {"daily_minutes_budget": 30, "quiet_start": "22:30", "quiet_end": "07:00"}
    response = client.request("put", "/wellbeing/settings", body)
    assert response.status_code == 200, response.content
    data = client.get("/wellbeing/settings").json()
    assert (data["daily_minutes_budget"], data["quiet_start"], data["quiet_end"]) == (
        30,
        "22:30",
        "07:00",
    )
    bad = client.request("put", "/wellbeing/settings", {"quiet_start": "22:30"})
    assert error(bad) == (400, "invalid_quiet_hours")
    assert client.request("put", "/wellbeing/settings", {"quiet_start": "25:00"}).status_code == 422
    assert error(api(member, "read").request("put", "/wellbeing/settings", {}))[0] == 403


def test_heartbeat_and_usage_are_the_callers_own(owner, member):
    client = api(member)
    with time_machine.travel(NOW, tick=False):
        client.post("/wellbeing/heartbeat")
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        assert client.post("/wellbeing/heartbeat").json()["active_seconds"] == 30
        days = client.get("/wellbeing/usage", days=3).json()["days"]
        assert [d["active_seconds"] for d in days] == [0, 0, 30]
        assert api(owner).get("/wellbeing/usage", days=1).json()["days"][0]["active_seconds"] == 0
    assert client.get("/wellbeing/usage", days=91).status_code == 422


def test_weekly_report_latest_and_unknown_weeks(member):
    for offset in range(0, 121, 30):
        wellbeing_heartbeat(
            user=member, at=datetime(2026, 11, 17, 2, 0, tzinfo=UTC) + timedelta(seconds=offset)
        )
    client = api(member)
    with time_machine.travel(NOW, tick=False):
        latest = client.get("/wellbeing/reports/latest").json()
        assert latest["week_start"] == "2026-11-16"
        assert latest["data"]["minutes"] == 2
        assert len(latest["data"]["trend"]) == 8
        assert error(client.get("/wellbeing/reports/2026-11-23")) == (404, "not_found")
        assert error(client.get("/wellbeing/reports/nonsense")) == (400, "invalid_week")


def test_digest_is_readable_only_by_its_owner(owner, member):
    wellbeing_settings_update(
        user=member,
        daily_minutes_budget=None,
        daily_request_budget=None,
        quiet_start=time(0, 0),
        quiet_end=time(23, 59),
        digest_mode=False,
    )
    notification_create(user=member, kind="aid.thanked", actor=owner, params={"title": "砍一刀"})
    api(member).request("put", "/wellbeing/settings", {})
    digest_id = int(member.notifications.get().url.rstrip("/").rsplit("/", 1)[1])
    data = api(member).get(f"/wellbeing/digests/{digest_id}").json()
    assert [i["text"] for i in data["items"]] == ["群主小王 感谢你在「砍一刀」中的帮助"]
    assert error(api(owner).get(f"/wellbeing/digests/{digest_id}")) == (404, "not_found")
    exported = api(member).get("/wellbeing/export").json()
    assert exported["digests"][0]["item_count"] == 1


def test_group_quiet_hours_and_figures_are_for_the_owner(owner, group, member, outsider):
    body = {"start": "23:00", "end": "07:00"}
    assert error(api(member).request("put", f"/wellbeing/groups/{group.pk}/quiet-hours", body)) == (
        403,
        "forbidden",
    )
    response = api(owner).request("put", f"/wellbeing/groups/{group.pk}/quiet-hours", body)
    assert response.json()["start"] == "23:00"
    assert api(member).get(f"/wellbeing/groups/{group.pk}/quiet-hours").json()["end"] == "07:00"
    assert error(api(outsider).get(f"/wellbeing/groups/{group.pk}/quiet-hours"))[0] == 404
    figures = api(owner).get(f"/wellbeing/groups/{group.pk}/figures").json()
    assert figures["enough_members"] is False and figures["median_daily_minutes"] is None
    assert error(api(member).get(f"/wellbeing/groups/{group.pk}/figures"))[0] == 403
