"""Ed25519 challenge–response login of system clients and devices.

Replay, expiry, wrong audience, revoked keys and 16 threads racing one nonce.
"""

import base64
import threading
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.core.models import utcnow
from backend.extensions import db
from backend.identity.client_keys import signed_message
from backend.identity.models import AuthChallenge, AuthToken, ClientKey

AUDIENCE = "http://localhost:5000"  # Config.PUBLIC_BASE_URL in the tests


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def system_client(factories):
    user = factories.user("system_client")
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = ClientKey(key_id="single-window-1", user_id=user.id, public_key=raw)
    db.session.add(key)
    db.session.commit()
    return user, key, private


def challenge(client, key_id="single-window-1", audience=AUDIENCE):
    return client.post("/api/v1/auth/key/challenge", json={"key_id": key_id, "audience": audience})


def sign(private, nonce, *, key_id="single-window-1", audience=AUDIENCE):
    return b64url(private.sign(signed_message(key_id=key_id, nonce=nonce, audience=audience)))


def key_login(client, nonce, signature, key_id="single-window-1"):
    return client.post(
        "/api/v1/auth/key/login", json={"key_id": key_id, "nonce": nonce, "signature": signature}
    )


def test_signed_message_is_canonical_json():
    message = signed_message(key_id="k1", nonce="n1", audience="https://a.example")
    assert (
        message == b'{"aud":"https://a.example","key_id":"k1","nonce":"n1","purpose":"chajian-key-login-v1"}'
    )


def test_challenge_and_login_give_key_assurance(client, system_client):
    user, _, private = system_client
    answer = challenge(client)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["audience"] == AUDIENCE and body["key_id"] == "single-window-1" and body["expires_at"]
    response = key_login(client, body["nonce"], sign(private, body["nonce"]))
    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    assert tokens["assurance"] == "key"
    me = client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).get_json()
    assert me["username"] == user.username and me["assurance"] == "key" and me["role"] == "system_client"


def test_nonce_cannot_be_replayed(client, system_client):
    _, _, private = system_client
    nonce = challenge(client).get_json()["nonce"]
    signature = sign(private, nonce)
    assert key_login(client, nonce, signature).status_code == 200
    replay = key_login(client, nonce, signature)
    assert replay.status_code == 401
    assert replay.get_json()["error"] == "auth.challenge_invalid"
    assert replay.get_json()["detail"] == {"reason": "used"}


def test_expired_nonce_is_refused(client, system_client):
    _, _, private = system_client
    nonce = challenge(client).get_json()["nonce"]
    db.session.execute(db.update(AuthChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = key_login(client, nonce, sign(private, nonce))
    assert response.status_code == 401 and response.get_json()["detail"] == {"reason": "expired"}


def test_wrong_audience_is_refused_at_challenge_and_in_the_signature(client, system_client):
    _, _, private = system_client
    refused = challenge(client, audience="https://other-system.example")
    assert refused.status_code == 422 and refused.get_json()["error"] == "identity.audience_invalid"
    assert "audience" in refused.get_json()["errors"]
    nonce = challenge(client).get_json()["nonce"]
    response = key_login(client, nonce, sign(private, nonce, audience="https://other-system.example"))
    assert response.status_code == 401 and response.get_json()["error"] == "auth.key_invalid"


def test_signature_by_another_key_or_over_another_key_id_fails(client, system_client):
    nonce = challenge(client).get_json()["nonce"]
    stranger = Ed25519PrivateKey.generate()
    assert key_login(client, nonce, sign(stranger, nonce)).get_json()["error"] == "auth.key_invalid"
    _, _, private = system_client
    assert key_login(client, nonce, sign(private, nonce, key_id="other")).status_code == 401
    assert key_login(client, nonce, "not-base64!").status_code == 401
    # Failures leave the nonce usable for the real client.
    assert key_login(client, nonce, sign(private, nonce)).status_code == 200


def test_revoked_key_gets_no_challenge_and_cannot_use_an_earlier_one(client, system_client):
    _, key, private = system_client
    nonce = challenge(client).get_json()["nonce"]
    key.revoked_at = utcnow()
    db.session.commit()
    assert challenge(client).status_code == 401
    response = key_login(client, nonce, sign(private, nonce))
    assert response.status_code == 401 and response.get_json()["error"] == "auth.key_invalid"


def test_unknown_key_and_nonce_of_another_key(client, factories, system_client):
    assert challenge(client, key_id="no-such-key").status_code == 401
    other_user = factories.user("system_client")
    other_private = Ed25519PrivateKey.generate()
    raw = other_private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    db.session.add(ClientKey(key_id="clearance-1", user_id=other_user.id, public_key=raw))
    db.session.commit()
    nonce = challenge(client).get_json()["nonce"]  # issued to single-window-1
    response = key_login(
        client, nonce, sign(other_private, nonce, key_id="clearance-1"), key_id="clearance-1"
    )
    assert response.status_code == 401 and response.get_json()["error"] == "auth.challenge_invalid"


def test_sixteen_threads_racing_one_nonce_exactly_one_wins(app, system_client):
    _, _, private = system_client
    with app.test_client() as c:
        nonce = challenge(c).get_json()["nonce"]
    signature = sign(private, nonce)
    barrier = threading.Barrier(16)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt():
        with app.app_context():
            barrier.wait()
            status = key_login(app.test_client(), nonce, signature).status_code
            db.session.remove()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] + [401] * 15
    sessions = db.session.execute(db.select(AuthToken.session_id).distinct()).scalars().all()
    assert len(sessions) == 1
