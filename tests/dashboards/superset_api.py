"""A small client of Superset's REST API, logged in as one user (JWT plus session for CSRF)."""

from __future__ import annotations

import requests


class SupersetApi:
    def __init__(self, base_url: str, username: str, password: str):
        self.base = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Referer"] = self.base
        response = self.http.post(
            f"{self.base}/api/v1/security/login",
            json={"username": username, "password": password, "provider": "db", "refresh": False},
            timeout=30,
        )
        response.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        csrf = self.http.get(f"{self.base}/api/v1/security/csrf_token/", timeout=30)
        csrf.raise_for_status()
        self.http.headers["X-CSRFToken"] = csrf.json()["result"]

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(f"{self.base}{path}", timeout=60, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.http.post(f"{self.base}{path}", timeout=60, **kw)

    def all(self, resource: str) -> list[dict]:
        """Every item of a list endpoint (/api/v1/<resource>/)."""
        q = "(page:0,page_size:100)"
        response = self.get(f"/api/v1/{resource}/?q={q}")
        response.raise_for_status()
        return response.json()["result"]

    def chart_data(self, chart_id: int) -> requests.Response:
        """The chart's own query (its saved query_context), as the user."""
        return self.get(f"/api/v1/chart/{chart_id}/data/", params={"force": "true"})
