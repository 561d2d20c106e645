"""open -> finished / retracted / expired, with NCMEC's 24 h / 1 h expiry on a manual clock."""

from datetime import timedelta

import pytest

from tests.core.cybertipline.practice.wire import XML, code, file_details_xml, submit, text, upload


def finish(client, report_id):
    return client.post("finish", data={"id": str(report_id)})


def retract(client, report_id):
    return client.post("retract", data={"id": str(report_id)})


def test_an_untouched_report_expires_24_hours_after_it_was_opened(server, client, clock):
    report_id = submit(client)
    opened = clock.now()
    clock.advance(timedelta(hours=24) - timedelta(seconds=1))
    assert server.snapshot().report(report_id).state == "open"
    clock.advance(1)
    held = server.snapshot().report(report_id)
    assert held.state == "expired"
    assert held.closed_at == held.expires_at == opened + timedelta(hours=24)


def test_a_late_change_keeps_a_report_open_for_an_hour_after_it(server, client, clock):
    report_id = submit(client)
    opened = clock.now()
    clock.advance(timedelta(hours=23, minutes=30))
    file_id = upload(client, report_id)  # last change at 23:30 -> open until 24:30
    assert server.snapshot().report(report_id).expires_at == opened + timedelta(hours=24, minutes=30)
    clock.advance(timedelta(minutes=45))  # 24:15
    response = client.post("fileinfo", content=file_details_xml(report_id, file_id), headers=XML)
    assert code(response) == 0  # file details are a change too: open until 25:15
    clock.advance(timedelta(minutes=59))  # 25:14
    assert server.snapshot().report(report_id).state == "open"
    clock.advance(timedelta(minutes=1))  # 25:15
    assert server.snapshot().report(report_id).state == "expired"


def test_an_early_change_does_not_shorten_the_24_hours(server, client, clock):
    report_id = submit(client)
    upload(client, report_id)
    clock.advance(timedelta(hours=2))
    assert server.snapshot().report(report_id).state == "open"


@pytest.mark.parametrize("action", ["upload", "fileinfo", "finish", "retract"])
def test_every_action_on_an_expired_report_is_refused_as_retracted(client, clock, action):
    report_id = submit(client)
    file_id = upload(client, report_id)
    clock.advance(timedelta(hours=25))
    response = {
        "upload": lambda: client.post("upload", data={"id": str(report_id)}, files={"file": ("b", b"more")}),
        "fileinfo": lambda: client.post("fileinfo", content=file_details_xml(report_id, file_id), headers=XML),
        "finish": lambda: finish(client, report_id),
        "retract": lambda: retract(client, report_id),
    }[action]()
    assert code(response) == 5101
    assert response.status_code == 409
    assert int(text(response, "reportId")) == report_id


@pytest.mark.parametrize("action", ["upload", "fileinfo", "finish", "retract"])
def test_every_action_on_a_finished_report_is_refused(server, client, action):
    report_id = submit(client)
    file_id = upload(client, report_id)
    assert code(finish(client, report_id)) == 0
    response = {
        "upload": lambda: client.post("upload", data={"id": str(report_id)}, files={"file": ("b", b"more")}),
        "fileinfo": lambda: client.post("fileinfo", content=file_details_xml(report_id, file_id), headers=XML),
        "finish": lambda: finish(client, report_id),
        "retract": lambda: retract(client, report_id),
    }[action]()
    assert code(response) == 5102
    assert response.status_code == 409
    held = server.snapshot().report(report_id)
    assert held.state == "finished" and len(held.files) == 1 and not held.files[0].has_file_details


@pytest.mark.parametrize("action", ["finish", "retract"])
def test_a_retracted_report_stays_retracted(server, client, action):
    report_id = submit(client)
    assert code(retract(client, report_id)) == 0
    response = finish(client, report_id) if action == "finish" else retract(client, report_id)
    assert code(response) == 5101
    assert server.snapshot().report(report_id).state == "retracted"


def test_an_unknown_report_is_5001(client):
    for response in (
        finish(client, 424242),
        retract(client, 424242),
        client.post("upload", data={"id": "424242"}, files={"file": ("a", b"x")}),
        client.post("fileinfo", content=file_details_xml(424242, "ab" * 16), headers=XML),
    ):
        assert code(response) == 5001
        assert response.status_code == 404


def test_file_details_for_a_file_of_another_report_are_5002(server, client):
    mine, other = submit(client), submit(client)
    foreign = upload(client, other)
    response = client.post("fileinfo", content=file_details_xml(mine, foreign), headers=XML)
    assert code(response) == 5002 and response.status_code == 404
    assert not server.snapshot().report(other).files[0].has_file_details


def test_file_details_only_once_per_file(server, client):
    report_id = submit(client)
    file_id = upload(client, report_id)
    assert code(client.post("fileinfo", content=file_details_xml(report_id, file_id), headers=XML)) == 0
    again = client.post("fileinfo", content=file_details_xml(report_id, file_id), headers=XML)
    assert code(again) == 4100 and again.status_code == 400


def test_a_batched_report_finishes_with_exactly_one_file(server, client):
    from tests.core.cybertipline.practice.wire import batched_report_xml

    none = submit(client, batched_report_xml())
    assert code(finish(client, none)) == 4100
    two = submit(client, batched_report_xml())
    upload(client, two, b"a")
    upload(client, two, b"b")
    refused = finish(client, two)
    assert code(refused) == 4100 and refused.status_code == 400
    assert server.snapshot().report(two).state == "open"  # the reporter must retract it
    assert code(retract(client, two)) == 0
    one = submit(client, batched_report_xml())
    file_id = upload(client, one)
    assert code(client.post("fileinfo", content=file_details_xml(one, file_id, batched=True), headers=XML)) == 0
    assert code(finish(client, one)) == 0


def test_a_refused_step_changes_nothing(server, client, clock):
    report_id = submit(client)
    before = server.snapshot().report(report_id)
    clock.advance(60)
    client.post("fileinfo", content=file_details_xml(report_id, "0" * 32), headers=XML)
    after = server.snapshot().report(report_id)
    assert after.last_modified_at == before.last_modified_at and after.files == ()


def test_a_file_id_is_never_all_digits(monkeypatch):
    from desktop_app.core.cybertipline.practice import state

    draws = iter(["1" * 32, "0123456789" * 3 + "12", "ab" * 16])
    monkeypatch.setattr(state.secrets, "token_hex", lambda _: next(draws))
    assert state.new_file_id(set()) == "ab" * 16


def test_a_file_id_is_never_reused(monkeypatch):
    from desktop_app.core.cybertipline.practice import state

    draws = iter(["ab" * 16, "cd" * 16])
    monkeypatch.setattr(state.secrets, "token_hex", lambda _: next(draws))
    assert state.new_file_id({"ab" * 16}) == "cd" * 16


def test_reset_forgets_everything_but_never_reuses_a_report_id(server, client):
    from desktop_app.core.cybertipline.practice import Fault

    old = submit(client)
    server.set_faults([Fault(endpoint="/status", kind="status", status=500)])
    server.reset()
    assert server.snapshot().reports == () and server.snapshot().requests == () and server.faults == ()
    assert client.get("status").status_code == 200
    assert code(finish(client, old)) == 5001
    assert submit(client) == old + 1
