"""SQL Lab's refusals, said plainly: what a statement may not do here and what to use instead.

Runs inside Superset's own environment (superset_config.py installs ``plain_refusals`` through
FLASK_APP_MUTATOR). Superset answers a write on a database without DML with HTTP 500 and, in
Chinese, "the database referenced in this query was not found" (a wrong translation of "this
database does not allow DML"); DuckDB's own refusals (locked settings, no file access) come back
as HTTP 500 "unexpected database error". Each becomes HTTP 403 and one sentence.
"""

from __future__ import annotations

import json

from flask import Response, request
from flask_babel import get_locale

SQL_LAB_EXECUTE = "/api/v1/sqllab/execute/"
UNEXPECTED_ERROR_ISSUE = 1002

REFUSALS = {
    "read_only": {
        "zh": "经分发布库是只读的发布副本，SQL Lab 里只能查询（SELECT、WITH）："
        "要改数据或表，请改仓库里的 dbt 模型并用 jingfen run 重新发布；"
        "要留下查询结果，请用结果下方的“下载为 CSV”。",
        "en": "The published copy (经分发布库) is read-only, so SQL Lab runs queries "
        "(SELECT, WITH) only: to change data or tables, change the dbt models of the warehouse "
        "and publish again with jingfen run; to keep a result, download it as CSV.",
    },
    "settings": {
        "zh": "经分发布库的 DuckDB 设置已锁定（SET、RESET、PRAGMA 会改变这台 Superset "
        "上所有人的查询），SQL Lab 里只能查询；查询需要更多内存或线程时，请联系运维人员。",
        "en": "DuckDB's settings for the published copy are locked, because SET, RESET or PRAGMA "
        "would change them for everyone's queries on this Superset: run queries only, and ask the "
        "operators if a query needs more memory or threads.",
    },
    "files": {
        "zh": "SQL Lab 只读经分发布库里的表，不能读写其他文件（read_csv、COPY … TO、ATTACH、"
        "扩展都已关闭）：要把结果带走，请用结果下方的“下载为 CSV”。",
        "en": "SQL Lab reads the tables of the published copy only, never other files (read_csv, "
        "COPY … TO, ATTACH and extensions are off): to take a result away, download it as CSV.",
    },
}


def refusal(error: dict) -> str | None:
    """Which refusal a SQL Lab error is, if it is one."""
    message = str(error.get("message", ""))
    if error.get("error_type") == "DML_NOT_ALLOWED_ERROR" or "read-only mode" in message:
        return "read_only"
    if "configuration has been locked" in message:
        return "settings"
    if "disabled by configuration" in message or "disabled through configuration" in message:
        return "files"
    return None


def plain_refusals(response: Response) -> Response:
    """Flask after_request hook: rewrites SQL Lab's answer to a refused statement."""
    if request.path != SQL_LAB_EXECUTE or response.status_code < 500 or not response.is_json:
        return response
    errors = (response.get_json(silent=True) or {}).get("errors") or []
    kinds = [refusal(error) for error in errors]
    if not errors or None in kinds:
        return response
    language = "en" if str(get_locale() or "zh").startswith("en") else "zh"
    plain = []
    for error, kind in zip(errors, kinds, strict=True):
        issues = (error.get("extra") or {}).get("issue_codes", [])
        plain.append(
            {
                "message": REFUSALS[kind][language],
                "error_type": error.get("error_type"),
                "level": "error",
                "extra": {"issue_codes": [i for i in issues
                                          if i.get("code") != UNEXPECTED_ERROR_ISSUE]},
            }
        )  # fmt: skip
    response.set_data(json.dumps({"errors": plain}, ensure_ascii=False))
    response.status_code = 403
    return response
