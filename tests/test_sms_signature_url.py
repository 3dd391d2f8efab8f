"""Which URL a Twilio signature is checked against: exactly the one Twilio called."""

import pytest
from twilio.request_validator import RequestValidator

from tests.conftest import AUTH_TOKEN, TEST_PHONE

PUBLIC = "https://bot.example.org"
# Twilio signs the URL as configured in its console, escapes and all.
ENCODED_QUERY = "/sms?partner=a%2Fb&city=S%C3%A3o"
PRODUCTION = {
    "TESTING": False,
    "ENVIRONMENT": "production",
    "SECRET_KEY": "production-secret-0123456789",
    "PHONE_HASH_KEY": "production-hash-key-0123456789",
}


def post_signed(client, signed_for, target="/sms", host=None):
    """Post one text to target, signed for the URL signed_for; the status code."""
    params = {
        "From": TEST_PHONE,
        "To": "+18885550100",
        "Body": "hello",
        "MessageSid": "SM" + "5" * 32,
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }
    headers = {
        "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(signed_for, params)
    }
    if host:
        headers["Host"] = host
    return client.post(target, data=params, headers=headers).status_code


def test_escapes_in_the_query_are_checked_as_twilio_sent_them(client):
    assert post_signed(client, "http://localhost" + ENCODED_QUERY, ENCODED_QUERY) == 200


def test_a_signature_over_the_decoded_query_is_refused(client):
    decoded = "http://localhost/sms?partner=a/b&city=São"
    assert post_signed(client, decoded, ENCODED_QUERY) == 403


@pytest.mark.parametrize("app_config", [{"PUBLIC_URL": PUBLIC + "/"}])
@pytest.mark.parametrize("target", [ENCODED_QUERY, "/%73ms", "/%73ms?x=%C3%A9"])
def test_with_a_public_url_the_raw_path_and_query_are_checked(client, target):
    assert post_signed(client, PUBLIC + target, target) == 200
    assert post_signed(client, "http://localhost" + target, target) == 403


@pytest.mark.parametrize("app_config", [{"PUBLIC_URL": PUBLIC}])
def test_with_a_public_url_a_forged_host_cannot_bring_its_own_signature(client):
    assert post_signed(client, "https://other.example/sms", host="other.example") == 403


@pytest.mark.parametrize("app_config", [PRODUCTION])
def test_in_production_without_a_public_url_a_forged_host_is_refused(client):
    # A signature Twilio made for another app on the same account, replayed with its Host.
    assert post_signed(client, "https://other.example/sms", host="other.example") == 403
    assert post_signed(client, "http://localhost/sms") == 403
    report = client.get("/healthz").get_json()
    assert report["status"] == "ready"  # the webchat still answers
    assert report["sms"] == "refused"
    assert any("PUBLIC_URL" in warning for warning in report["warnings"])


@pytest.mark.parametrize("app_config", [{**PRODUCTION, "PUBLIC_URL": PUBLIC}])
def test_in_production_a_public_url_lets_twilio_in(client):
    assert post_signed(client, PUBLIC + "/sms") == 200
    report = client.get("/healthz").get_json()
    assert report["sms"] == "ready" and report["warnings"] == []
