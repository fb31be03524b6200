"""The plain WSGI example runs as written and behaves as its docstring says."""

from __future__ import annotations

import webtest

from examples.plain_wsgi import app
from tests.conftest import cors_headers


def test_plain_wsgi_example() -> None:
    client = webtest.TestApp(app, lint=True)
    response = client.get("/api/items", headers={"Origin": "http://localhost:3000"})
    assert response.json == {"path": "/api/items"}
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": "http://localhost:3000",
        "Access-Control-Expose-Headers": "X-Total-Count",
    }
    preflight = client.options(
        "/api/admin/users",
        headers={"Origin": "https://admin.example.com", "Access-Control-Request-Method": "DELETE"},
    )
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert preflight.headers["Access-Control-Max-Age"] == "600"
