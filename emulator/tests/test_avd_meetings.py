"""AVD meeting statistics and chat logs (avd.md sections 3.6 and 3.8), seeded through the control API."""
import pytest

ROOM = "70000000000"
# The counters the /room/get_statistic success example shows, with their names (android_cnt, not the table's andronid_cnt).
COUNTERS = {"meeting_total", "ios_cnt", "pc_cnt", "user_cnt", "other_cnt", "android_cnt", "time_total", "box_cnt", "web_cnt"}


@pytest.fixture(name="room")
def fixture_room(client):
    client.api("/room/create", room_id=ROOM, user_id="9")
    return ROOM


def seed_statistics(client, room_id, *meetings):
    response = client.control("POST", f"/avd/rooms/{room_id}/statistics", {"meetings": list(meetings)})
    assert response.status_code == 200, response.text
    return response.json()


def seed_chat(client, room_id, messages, session_id=None):
    body = {"messages": messages}
    if session_id is not None:
        body["session_id"] = session_id
    response = client.control("POST", f"/avd/rooms/{room_id}/chat", body)
    assert response.status_code == 200, response.text
    return response.json()


def test_statistic_of_a_room_without_meetings_is_the_example(client, room):
    # The success example: every counter 0 and no ret/msg (Q-AVD-01).
    assert client.api("/room/get_statistic", room_id=room, start_time="1551451230", end_time="1552205824") == {
        "meeting_total": 0, "ios_cnt": 0, "pc_cnt": 0, "user_cnt": 0, "other_cnt": 0, "android_cnt": 0,
        "time_total": 0, "box_cnt": 0, "web_cnt": 0,
    }


def test_statistic_sums_the_meetings_that_started_in_the_window(client, room):
    seed_statistics(
        client, room,
        {"start_time": 1000, "time_total": 60, "web_cnt": 2, "ios_cnt": 1},
        {"start_time": 2000, "time_total": 30, "android_cnt": 3, "pc_cnt": 1, "box_cnt": 1, "other_cnt": 1},
        {"start_time": 3001, "time_total": 999, "web_cnt": 50},
    )
    body = client.api("/room/get_statistic", method="POST", room_id=room, start_time="1000", end_time="3000")
    assert set(body) == COUNTERS
    assert body == {"meeting_total": 2, "time_total": 90, "web_cnt": 2, "ios_cnt": 1, "android_cnt": 3, "pc_cnt": 1,
                    "box_cnt": 1, "other_cnt": 1, "user_cnt": 9}
    assert client.api("/room/get_statistic", room_id=room, start_time="2001", end_time="3000")["meeting_total"] == 0
    assert client.api("/room/get_statistic", room_id=room, start_time="3001", end_time="3001")["web_cnt"] == 50


def test_statistic_of_an_unknown_room_is_the_failure_example(client):
    # 40003 with "no such room_id", as printed, although the table calls 40003 an invalid token (Q-AVD-44).
    assert client.api("/room/get_statistic", room_id="1", start_time="1", end_time="2") == {"ret": 40003, "msg": "no such room_id"}


@pytest.mark.parametrize("missing", ["room_id", "start_time", "end_time"])
def test_statistic_parameters_are_required(client, room, missing):
    params = {"room_id": room, "start_time": "1", "end_time": "2"}
    del params[missing]
    assert client.api("/room/get_statistic", **params) == {"ret": 40002, "msg": f"args required or error: {missing}"}


@pytest.mark.parametrize("value", ["-1", "1.5", "2026-01-01", "x"])
def test_statistic_times_are_integers(client, room, value):
    assert client.api("/room/get_statistic", room_id=room, start_time=value, end_time="2") == {
        "ret": 40002, "msg": "args required or error: start_time"}


def test_statistic_needs_a_token(client, room):
    assert client.api("/room/get_statistic", token="nope", room_id=room, start_time="1", end_time="2") == {
        "ret": 40003, "msg": "access token check invalid"}


def test_chat_log_as_in_the_example(client, room):
    seed_chat(client, room, [{"fromId": "9", "fromName": "成都", "message": "123456", "timestamp": 1600391155}],
              session_id="1600391149")
    assert client.api("/room/get_chat_message_log", room_id=room) == {
        "ret": 0,
        "msg": "success",
        "data": [{
            "session_id": "1600391149",
            "messages": [{
                "fromId": "9", "id": 1, "status": 0, "message": "123456", "timestamp": 1600391155,
                "room_id": "70000000000", "session_type": 0, "message_type": 0, "fromName": "成都", "dst_name": "",
                "dst": "70000000000",
            }],
        }],
    }


def test_chat_log_filters_by_sender_and_time(client, room):
    seed_chat(client, room, [
        {"fromId": "9", "message": "a", "timestamp": 100},
        {"fromId": "10", "message": "b", "timestamp": 200, "session_type": 1, "dst": "9", "dst_name": "Nine"},
    ], session_id="50")
    seed_chat(client, room, [{"fromId": "9", "message": "c", "timestamp": 400}], session_id="300")

    def texts(**params):
        data = client.api("/room/get_chat_message_log", room_id=room, **params)["data"]
        return [(session["session_id"], [message["message"] for message in session["messages"]]) for session in data]

    assert texts() == [("50", ["a", "b"]), ("300", ["c"])]
    assert texts(fromId="9") == [("50", ["a"]), ("300", ["c"])]
    assert texts(start_time="150", end_time="399") == [("50", ["b"])]
    assert texts(start_time="401") == []
    private = client.api("/room/get_chat_message_log", room_id=room, fromId="10")["data"][0]["messages"][0]
    assert (private["session_type"], private["dst"], private["dst_name"], private["id"]) == (1, "9", "Nine", 2)


def test_chat_session_defaults_to_the_meeting_in_progress(client, room):
    meeting = client.open_meeting(room, {"user_id": "9"})
    seed_chat(client, room, [{"fromId": "9", "message": "hi", "timestamp": meeting["create_time"] + 1}])
    assert client.api("/room/get_chat_message_log", room_id=room)["data"][0]["session_id"] == str(meeting["create_time"])


def test_chat_log_errors(client, room):
    assert client.api("/room/get_chat_message_log") == {"ret": 40002, "msg": "arg room_id required"}
    assert client.api("/room/get_chat_message_log", room_id="1") == {"ret": 40004, "msg": "no such room_id"}
    assert client.api("/room/get_chat_message_log", room_id=room, start_time="soon") == {
        "ret": 40002, "msg": "args required or error: start_time"}
    assert client.api("/room/get_chat_message_log", room_id=room) == {"ret": 0, "msg": "success", "data": []}


def test_seeds_are_in_the_state_and_reset(client, room):
    seed_statistics(client, room, {"start_time": 5, "time_total": 1})
    seed_chat(client, room, [{"fromId": "9", "message": "x", "timestamp": 6}], session_id="5")
    state = client.state()
    assert state["statistics"][room][0]["start_time"] == 5
    assert state["chat"][room][0]["messages"][0]["message"] == "x"
    assert client.control("POST", "/reset").status_code in (200, 204)
    assert client.state()["statistics"] == {} and client.state()["chat"] == {}


@pytest.mark.parametrize("path,body", [
    ("statistics", {"meetings": [{"time_total": 1}]}),
    ("statistics", {"meetings": [{"start_time": -1}]}),
    ("statistics", {"meetings": [{"start_time": 1, "web_cnt": "2"}]}),
    ("statistics", {"meeting": []}),
    ("chat", {"messages": [{"message": "no sender"}]}),
    ("chat", {"messages": [{"fromId": "9", "timestamp": "late"}]}),
    ("chat", []),
])
def test_control_rejects_malformed_seeds(client, room, path, body):
    response = client.control("POST", f"/avd/rooms/{room}/{path}", body)
    assert response.status_code == 400
    assert client.state()["statistics"] == {} and client.state()["chat"] == {}


@pytest.mark.parametrize("path,body", [("statistics", {"meetings": []}), ("chat", {"messages": []})])
def test_control_needs_an_existing_room(client, path, body):
    assert client.control("POST", f"/avd/rooms/404/{path}", body).status_code == 404
