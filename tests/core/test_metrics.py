"""/metrics: real figures after real requests, pushes and sockets; readable from this machine or
with METRICS_TOKEN only."""

from __future__ import annotations

import re

from prometheus_client.parser import text_string_to_metric_families

from backend.extensions import socketio


def scrape(client, **kwargs) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of one scrape."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/plain" and response.headers["Cache-Control"] == "no-store"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(figures: dict, name: str, **labels) -> float:
    return figures.get((name, tuple(sorted((k, str(v)) for k, v in labels.items()))), 0.0)


def test_metrics_count_requests_sync_outcomes_sockets_and_jobs(app, client, world, factories):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/no-such-thing").status_code == 404

    instruction = factories.instruction(world.declaration, inspector=world.inspector)
    batch = [
        factories.op("instruction.accept", instruction.id, base_version=2),
        factories.op("instruction.accept", 999999, base_version=1),
    ]
    first = factories.push(client, world.h_inspector, batch)
    assert [r["status"] for r in first] == ["applied", "rejected"]
    assert [r["replayed"] for r in factories.push(client, world.h_inspector, batch)] == [True, True]

    token = world.h_inspector["Authorization"].removeprefix("Bearer ")
    sockets = [socketio.test_client(app, auth={"token": token}) for _ in range(2)]
    assert all(socket.is_connected() for socket in sockets)
    during = scrape(client)
    sockets[0].disconnect()
    after = scrape(client)
    sockets[1].disconnect()

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    health = {"endpoint": "health.healthz", "method": "GET", "status": 200}
    assert grew("chajian_http_request_duration_seconds_count", **health) == 3
    assert grew("chajian_http_request_duration_seconds_bucket", le="10.0", **health) == 3
    assert grew("chajian_http_request_duration_seconds_sum", **health) > 0
    assert (
        grew("chajian_http_request_duration_seconds_count", endpoint="unmatched", method="GET", status=404)
        == 1
    )
    assert grew("chajian_sync_operations_total", outcome="applied") == 1
    assert grew("chajian_sync_operations_total", outcome="rejected") == 1
    assert grew("chajian_sync_operations_total", outcome="replayed") == 2
    assert value(during, "chajian_socket_connections") - value(before, "chajian_socket_connections") == 2
    assert value(after, "chajian_socket_connections") - value(before, "chajian_socket_connections") == 1
    # In-process jobs (no broker): no queue to measure.
    assert not any(name == "chajian_task_queue_depth" for name, _ in after)
    # The scrape itself is not timed (it would count itself).
    assert not any(dict(labels).get("endpoint") == "metrics.metrics" for _, labels in after)


def test_a_failed_job_is_counted(app, client):
    from celery import shared_task

    @shared_task(name="tests.always_fails")
    def always_fails():
        raise RuntimeError("boom")

    before = value(scrape(client), "chajian_task_failures_total", task="tests.always_fails")
    with app.app_context():
        app.extensions["celery"].tasks["tests.always_fails"].apply()
    assert value(scrape(client), "chajian_task_failures_total", task="tests.always_fails") == before + 1


def test_only_this_machine_or_the_token_may_read_metrics(app, client):
    elsewhere = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    hidden = client.get("/metrics", **elsewhere)
    assert (hidden.status_code, hidden.get_json()["error"]) == (404, "request.not_found")
    # Through a proxy on this machine the address is loopback, but the caller is not.
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "198.51.100.4"})
    assert proxied.status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200

    app.config["METRICS_TOKEN"] = "scraper-secret-0123456789"
    try:
        wrong = client.get("/metrics", headers={"Authorization": "Bearer scraper-secret-wrong"}, **elsewhere)
        assert wrong.status_code == 404
        figures = scrape(client, headers={"Authorization": "Bearer scraper-secret-0123456789"}, **elsewhere)
        assert any(re.match(r"chajian_http_request_duration_seconds", name) for name, _ in figures)
    finally:
        app.config["METRICS_TOKEN"] = None
