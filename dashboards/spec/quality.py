"""数据质量: delivery outcomes, rejected records and the newest result of every quality check.

These read the ops tables, which dbt does not build: ingestion writes the load log and the
rejected records, the quality gate writes its results after the dbt build. So they are the only
datasets with SQL here and their columns are labelled here; their codes are named by joining
indicators.code_labels, the published home of the seeds' code names.
"""

from __future__ import annotations

from dashboards.spec.vocabulary import (
    Column,
    Dashboard,
    Dataset,
    Metric,
    bars,
    count,
    kpi,
    pie,
    raw,
    total,
)

LOAD_LOG = "load_log"
QUALITY_RESULTS = "quality_results"
REJECTED_RECORDS = "rejected_records"


def code_names(alias: str, code_type: str, code: str) -> str:
    """A left join of indicators.code_labels as ``alias``: ``alias.name_zh`` names ``code``."""
    return (
        f" left join indicators.code_labels as {alias}"
        f" on {alias}.code_type = '{code_type}' and {alias}.code = {code}"
    )


DATASETS = (
    Dataset(
        key=LOAD_LOG,
        description="Every delivery's outcome (ops.load_log): loaded, skipped, replaced or "
        "rejected, with counts and reasons.",
        sql=(
            "select l.*, l.processed_at::date as processed_date, "
            "coalesce(s.name_zh, l.status, '未知') as status_name, "
            "coalesce(i.name_zh, l.iface, '未知') as iface_name, "
            "coalesce(p.name_zh, l.province_code) as province_name "
            "from ops.load_log as l"
            + code_names("s", "load_status", "l.status")
            + code_names("i", "iface", "l.iface")
            + code_names("p", "province", "l.province_code")
        ),
        columns=(
            Column("file_name", "VARCHAR", "文件名"),
            Column("iface", "VARCHAR", "接口编码"),
            Column("iface_name", "VARCHAR", "接口"),
            Column("province_code", "VARCHAR", "省份编码"),
            Column("province_name", "VARCHAR", "省份"),
            Column("data_date", "VARCHAR", "数据日期"),
            Column("status", "VARCHAR", "状态编码"),
            Column("status_name", "VARCHAR", "状态"),
            Column("record_count", "BIGINT", "记录数"),
            Column("loaded_count", "BIGINT", "加载数"),
            Column("rejected_count", "BIGINT", "拒收记录数"),
            Column("reason", "VARCHAR", "原因"),
            Column("processed_at", "TIMESTAMP", "处理时间"),
            Column("processed_date", "DATE", "处理日期", is_dttm=True),
        ),
        metrics=(
            count("deliveries", "交付文件数"),
            count("rejected_deliveries", "拒收文件数", "status = 'REJECTED'"),
            total("record_count"),
            total("loaded_count"),
            total("rejected_count"),
            Metric(
                "reject_rate",
                "SUM(rejected_count) / NULLIF(SUM(record_count), 0)",
                ".2%",
                "拒收率",
            ),
        ),
        main_dttm="processed_date",
    ),
    Dataset(
        key=QUALITY_RESULTS,
        description="The newest result of every quality check per asset (ops.quality_results, "
        "written by data_quality): passed or failed, blocking or warning, observed value.",
        sql=(
            'select q.check_name, q.asset, q."partition" as partition_key, q.severity, '
            "coalesce(v.name_zh, q.severity, '未知') as severity_name, q.passed, "
            "case when q.passed then '通过' else '未通过' end as result_name, "
            "q.observed_value, q.threshold, q.checked_at, q.checked_at::date as checked_date, "
            "q.details, q.run_id from ops.quality_results as q"
            + code_names("v", "severity", "q.severity")
            + " qualify row_number() over (partition by q.check_name, q.asset "
            "order by q.checked_at desc) = 1"
        ),
        columns=(
            Column("check_name", "VARCHAR", "检查项"),
            Column("asset", "VARCHAR", "数据资产"),
            Column("partition_key", "VARCHAR", "涉及日期/月份"),
            Column("severity", "VARCHAR", "级别编码"),
            Column("severity_name", "VARCHAR", "级别"),
            Column("passed", "BOOLEAN", "是否通过"),
            Column("result_name", "VARCHAR", "结果"),
            Column("observed_value", "DOUBLE", "观测值"),
            Column("threshold", "VARCHAR", "阈值"),
            Column("checked_at", "TIMESTAMP", "检查时间"),
            Column("checked_date", "DATE", "检查日期", is_dttm=True),
            Column("details", "VARCHAR", "详情"),
            Column("run_id", "VARCHAR", "运行编号"),
        ),
        metrics=(
            count("checks", "检查项数"),
            count("failed_checks", "未通过检查", "NOT passed"),
            count("blocking_failures", "阻断级未通过", "NOT passed AND severity = 'blocking'"),
        ),
        main_dttm="checked_date",
    ),
    Dataset(
        key=REJECTED_RECORDS,
        description="Rejected records (ops.rejected_records): file, line, raw line and reason.",
        table="ops.rejected_records",
        columns=(
            Column("file_name", "VARCHAR", "文件名"),
            Column("line_no", "BIGINT", "行号"),
            Column("raw_line", "VARCHAR", "原始记录"),
            Column("reason", "VARCHAR", "原因"),
        ),
        metrics=(count("records", "拒收记录数"),),
    ),
)

DASHBOARD = Dashboard(
    key="quality",
    title="数据质量",
    slug="jingfen-data-quality",
    description="Data quality: delivery outcomes (ops.load_log), rejected records "
    "(ops.rejected_records) and the newest result of every quality check (ops.quality_results).",
    filters=("iface_name",),
    rows=(
        (
            kpi("dq_deliveries", "交付文件数", LOAD_LOG, "deliveries", width=3),
            kpi("dq_rejected", "拒收文件数", LOAD_LOG, "rejected_deliveries", width=3),
            kpi("dq_records", "拒收记录数", LOAD_LOG, "rejected_count", width=3),
            kpi("dq_rate", "记录拒收率", LOAD_LOG, "reject_rate", width=3),
        ),
        (
            bars(
                "dq_by_iface",
                "分接口交付情况",
                LOAD_LOG,
                ["loaded_count", "rejected_count"],
                x="iface_name",
                stack=True,
                width=6,
            ),
            pie("dq_status", "交付状态", LOAD_LOG, "deliveries", "status_name", width=6),
        ),
        (
            kpi("dq_checks", "检查项数", QUALITY_RESULTS, "checks", width=2),
            kpi("dq_failed", "未通过检查", QUALITY_RESULTS, "failed_checks", width=2),
            raw(
                "dq_results",
                "最新质量检查结果",
                QUALITY_RESULTS,
                (
                    "checked_at",
                    "asset",
                    "check_name",
                    "severity_name",
                    "result_name",
                    "observed_value",
                    "threshold",
                    "partition_key",
                ),
                order_by="result_name",  # 未通过 sorts before 通过
                descending=False,
                width=8,
            ),
        ),
        (
            raw(
                "dq_log",
                "加载日志",
                LOAD_LOG,
                (
                    "processed_at",
                    "file_name",
                    "iface_name",
                    "province_name",
                    "data_date",
                    "status_name",
                    "record_count",
                    "loaded_count",
                    "rejected_count",
                    "reason",
                ),
                order_by="processed_at",
                width=12,
            ),
        ),
        (
            raw(
                "dq_rejects",
                "拒收记录",
                REJECTED_RECORDS,
                ("file_name", "line_no", "raw_line", "reason"),
                order_by="file_name",
                descending=False,
                width=12,
            ),
        ),
    ),
)
