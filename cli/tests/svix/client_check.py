"""Svix's official Python client (PyPI `svix`, pinned by scripts/ci-setup.sh) drives a running
`hookwire server`, and two receivers check every delivery with the same package's
`Webhook.verify`. Run by cli/tests/svix_client.rs:

    python client_check.py SERVER_URL OPERATOR_TOKEN

It prints one JSON object (what it saw) and exits 0; any failed check raises (exit 1).
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from svix.api import (
    ApplicationIn,
    AppPortalAccessIn,
    EndpointIn,
    EndpointSecretRotateIn,
    MessageAttemptListByMsgOptions,
    MessageIn,
    Svix,
    SvixOptions,
)
from svix.exceptions import HttpError
from svix.webhooks import Webhook, WebhookVerificationError

WAIT = 30.0


class Receiver:
    """An HTTP receiver on 127.0.0.1 that keeps each delivery (body and headers)."""

    def __init__(self, name):
        self.name = name
        self.deliveries = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.lock:
                    receiver.deliveries.append((body, headers))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def wait_for(self, count):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.deliveries) >= count:
                    return list(self.deliveries)
            time.sleep(0.05)
        with self.lock:
            raise AssertionError(
                f"{self.name}: {len(self.deliveries)} deliveries after {WAIT}s, expected {count}"
            )


def verified(secret, deliveries):
    """Each delivery's payload, checked with Svix's verifier; the message ids."""
    webhook = Webhook(secret)
    seen = []
    for body, headers in deliveries:
        webhook.verify(body, headers)  # raises unless signed with `secret`
        payload = json.loads(body)
        seen.append((headers.get("svix-id") or headers.get("webhook-id"), payload))
    return seen


def main():
    server_url, token = sys.argv[1], sys.argv[2]
    svix = Svix(token, SvixOptions(server_url=server_url))
    report = {}

    receivers = {"a": Receiver("merchant-a"), "b": Receiver("merchant-b")}
    apps, endpoints, secrets = {}, {}, {}
    for key in ("a", "b"):
        app = svix.application.create(ApplicationIn(name=f"Merchant {key}", uid=f"merchant-{key}"))
        again = svix.application.get_or_create(ApplicationIn(name="ignored", uid=f"merchant-{key}"))
        assert again.id == app.id, (again, app)
        apps[key] = app.id
        endpoint = svix.endpoint.create(
            app.id, EndpointIn(url=receivers[key].url, description=f"{key}'s receiver")
        )
        endpoints[key] = endpoint.id
        secrets[key] = svix.endpoint.get_secret(app.id, endpoint.id).key
        assert secrets[key].startswith("whsec_"), "a generated secret"

    sent = {"a": [], "b": []}
    for n in range(3):
        for key in ("a", "b"):
            message = svix.message.create(
                apps[key],
                MessageIn(
                    event_type="invoice.paid",
                    event_id=f"evt-{key}-{n}",
                    payload={"merchant": key, "n": n},
                ),
            )
            sent[key].append(message.id)

    # A repeated eventId is refused (409) and not delivered twice.
    try:
        svix.message.create(
            apps["a"], MessageIn(event_type="invoice.paid", event_id="evt-a-0", payload={"n": 99})
        )
        raise AssertionError("a repeated eventId was accepted")
    except HttpError as error:
        assert error.status_code == 409, error.status_code
    report["repeated_event_id_status"] = 409

    for key in ("a", "b"):
        deliveries = receivers[key].wait_for(3)
        seen = verified(secrets[key], deliveries)
        ids = [message_id for message_id, _ in seen]
        assert sorted(ids) == sorted(sent[key]), (key, ids, sent[key])
        assert all(payload["merchant"] == key for _, payload in seen), seen
        report[f"delivered_{key}"] = len(seen)

    time.sleep(0.5)  # nothing more arrives: exactly once, and never the other's
    for key in ("a", "b"):
        with receivers[key].lock:
            assert len(receivers[key].deliveries) == 3, (key, len(receivers[key].deliveries))

    # Attempts are listed, by message.
    attempts = svix.message_attempt.list_by_msg(apps["a"], sent["a"][0], MessageAttemptListByMsgOptions())
    assert len(attempts.data) >= 1, attempts
    assert attempts.data[0].response_status_code == 204, attempts.data[0]
    report["attempts_listed"] = len(attempts.data)

    # A portal token for one application cannot see the other's endpoints.
    access = svix.authentication.app_portal_access(apps["a"], AppPortalAccessIn())
    portal = Svix(access.token, SvixOptions(server_url=server_url))
    own = portal.endpoint.list(apps["a"])
    assert [e.id for e in own.data] == [endpoints["a"]], own
    try:
        portal.endpoint.list(apps["b"])
        raise AssertionError("a portal token listed another application's endpoints")
    except HttpError as error:
        assert error.status_code in (401, 403, 404), error.status_code
        report["cross_application_status"] = error.status_code

    # Rotation: a later delivery verifies with the new secret and with the old one.
    old = secrets["a"]
    svix.endpoint.rotate_secret(apps["a"], endpoints["a"], EndpointSecretRotateIn())
    new = svix.endpoint.get_secret(apps["a"], endpoints["a"]).key
    assert new != old
    svix.message.create(
        apps["a"], MessageIn(event_type="invoice.paid", event_id="evt-a-rotated", payload={"merchant": "a", "n": 3})
    )
    body, headers = receivers["a"].wait_for(4)[3]
    Webhook(new).verify(body, headers)
    Webhook(old).verify(body, headers)
    try:
        Webhook("whsec_" + "QUJD" * 8).verify(body, headers)
        raise AssertionError("a delivery verified with a secret it was not signed with")
    except WebhookVerificationError:
        pass
    report["rotation_verified_with"] = ["new", "old"]

    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()
