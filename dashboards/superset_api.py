"""A small client of Superset's REST API, logged in as one user (JWT plus session for CSRF): the
dashboards' tests and benchmarks/bench_dashboards.py talk to a running Superset through it."""

from __future__ import annotations

import json

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
        """The chart's own query (its saved query_context), as the user, from Superset's cache
        when it holds the answer: what the user would see."""
        return self.get(f"/api/v1/chart/{chart_id}/data/")

    def saved_query(self, chart_id: int) -> dict:
        """The chart's saved query_context: what a dashboard posts to /api/v1/chart/data."""
        response = self.get(f"/api/v1/chart/{chart_id}")
        response.raise_for_status()
        return json.loads(response.json()["result"]["query_context"])

    def data(self, dataset_id: int, result_format: str = "json", result_type: str = "full",
             **query) -> requests.Response:  # fmt: skip
        """One ad-hoc query of a dataset through the chart data API, as Explore sends it."""
        return self.post(
            "/api/v1/chart/data",
            json={
                "datasource": {"id": dataset_id, "type": "table"},
                "queries": [query],
                "result_format": result_format,
                "result_type": result_type,
            },
        )
