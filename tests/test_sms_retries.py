"""Twilio's parallel retries: copies of one MessageSid sent at once get one reply, one turn."""

import json
import threading
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from knowledge.state import keyed_hash
from tests.conftest import AUTH_TOKEN

COPIES = 4
TRIALS = 10


@pytest.fixture
def server(app):
    """The app served over real sockets by a threaded server, as gunicorn's threads would."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


def send_copies(url, params, copies=COPIES):
    """Post the same signed request from several threads at the same moment; the replies."""
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    data = urlencode(params).encode()
    start = threading.Barrier(copies)
    replies, errors = [None] * copies, []

    def post(i):
        request = urllib.request.Request(url, data=data, headers={"X-Twilio-Signature": signature})
        try:
            start.wait()
            with urllib.request.urlopen(request, timeout=60) as response:
                root = ET.fromstring(response.read())
                replies[i] = [m.text or "" for m in root.iter("Message")]
        except Exception as exc:  # reported to the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(copies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return replies


def test_copies_of_one_message_sid_get_one_reply_and_move_the_conversation_one_turn(
    server, database
):
    for trial in range(TRIALS):
        sender = f"+1203555{trial:04d}"
        params = {
            "From": sender,
            "To": "+18885550100",
            # The first reply of a conversation differs from any later one, so a second
            # computed answer would show.
            "Body": "find services",
            "MessageSid": f"SM{trial:032x}",
            "AccountSid": "AC" + "0" * 32,
            "NumMedia": "0",
        }
        replies = send_copies(server + "/sms", params)
        assert len({json.dumps(r) for r in replies}) == 1, replies
        assert replies[0] and replies[0][0]
        key = keyed_hash("test-hash-key", "sms", sender)
        state = json.loads(database["conversation"].get(key)["state"])
        assert state["turns"] == 1
    assert database["delivery"].count == TRIALS
