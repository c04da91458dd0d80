"""A local stand-in for GOV.UK Notify's email API, as its documentation describes it.

POST /v2/notifications/email with ``Authorization: Bearer <JWT>``: the token is HS256, signed
with the API key's secret, its ``iss`` the service id and ``iat`` the time it was made (Notify
refuses one more than 30 seconds old). The body is JSON with ``email_address``,
``template_id`` and ``personalisation``. Answers are Notify's: 201 with the notification, or an
error status with ``{"status_code": ..., "errors": [{"error": ..., "message": ...}]}``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"together_tests-{SERVICE_ID}-{SECRET}"

# Addresses that make the fake answer as Notify does when things go wrong.
ERRORS = {
    "team-only@example.org": (400, "BadRequestError", "Can't send to this recipient using a team-only API key"),
    "busy@example.org": (
        429,
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
    "down@example.org": (500, "Exception", "Internal server error"),
}


def _error(status: int, error: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


class _Handler(BaseHTTPRequestHandler):
    received: list  # set per server

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> str | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        try:
            claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.InvalidTokenError:
            return "Invalid token: signature, api token not found"
        if claims.get("iss") != SERVICE_ID:
            return "Invalid token: service id not found"
        if abs(time.time() - claims.get("iat", 0)) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def do_POST(self):
        refusal = self._authorised()
        if refusal:
            return self._answer(403, _error(403, "AuthError", refusal))
        if self.path != "/v2/notifications/email":
            return self._answer(404, _error(404, "RequestError", "Resource not found"))
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        missing = [field for field in ("email_address", "template_id") if field not in body]
        if missing:
            return self._answer(400, _error(400, "ValidationError", f"{missing[0]} is a required property"))
        personalisation = body.get("personalisation") or {}
        if set(personalisation) != {"subject", "body"}:
            return self._answer(400, _error(400, "BadRequestError", "Missing personalisation: subject, body"))
        self.received.append(body)
        if body["email_address"] in ERRORS:
            return self._answer(ERRORS[body["email_address"]][0], _error(*ERRORS[body["email_address"]]))
        notification = str(uuid.uuid4())
        base = f"http://{self.headers['Host']}"
        self._answer(
            201,
            {
                "id": notification,
                "reference": body.get("reference"),
                "content": {
                    "subject": personalisation["subject"],
                    "body": personalisation["body"],
                    "from_email": "review@notifications.service.gov.uk",
                },
                "uri": f"{base}/v2/notifications/{notification}",
                "template": {
                    "id": body["template_id"],
                    "version": 1,
                    "uri": f"{base}/services/{SERVICE_ID}/templates/{body['template_id']}",
                },
            },
        )


@contextmanager
def fake_notify():
    """Serve the fake on a free local port; yields (base URL, list of accepted request bodies)."""
    received: list = []
    handler = type("Handler", (_Handler,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
