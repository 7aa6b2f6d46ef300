"""The committed bundle is the spec's output, self-consistent, and free of instance details."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import yaml

from dashboards import bundle
from dashboards.spec import DASHBOARDS, DATASETS, DATASETS_BY_KEY
from dashboards.spec.presentation import column_label, presentation_models

EXPOSURES = Path(__file__).resolve().parents[2] / "warehouse" / "models" / "exposures.yml"


def test_committed_bundle_is_the_generators_output():
    stale = bundle.stale_files()
    assert not stale, f"run `make bundle` and commit: {stale}"


def test_a_stale_bundle_is_found(tmp_path):
    bundle.write_bundle(tmp_path)
    assert bundle.stale_files(tmp_path) == []
    chart = tmp_path / "charts" / "ov_users.yaml"
    chart.write_text(chart.read_text(encoding="utf-8").replace("在网用户数", "用户数"), "utf-8")
    (tmp_path / "charts" / "ov_users.yaml").with_name("removed_chart.yaml").write_text("{}\n")
    (tmp_path / "datasets" / "jingfen_serving" / "vip_users.yaml").unlink()
    assert bundle.stale_files(tmp_path) == [
        "charts/ov_users.yaml",
        "charts/removed_chart.yaml",
        "datasets/jingfen_serving/vip_users.yaml",
    ]


def test_bundle_has_no_literal_paths_or_instance_ids():
    for name, text in bundle.read_bundle().items():
        config = yaml.safe_load(text)
        assert "/jingfen-home" not in text and "serving.duckdb" not in text, name
        if name.startswith("databases/"):
            assert config["sqlalchemy_uri"] == bundle.URI_PLACEHOLDER
            assert config["allow_dml"] is False
        if name.startswith("charts/"):
            assert config["params"]["datasource"] == "__DATASOURCE__"
            assert config["query_context"], f"{name} has no query_context"


def test_every_chart_uses_known_columns_and_metrics():
    for dashboard in DASHBOARDS:
        for chart in dashboard.charts:
            dataset = DATASETS_BY_KEY[chart.dataset]
            metrics = {m.name for m in dataset.metrics}
            assert set(chart.metrics) <= metrics, (chart.key, set(chart.metrics) - metrics)
            for column in (*chart.groupby, *chart.columns, *([chart.x] if chart.x else [])):
                assert dataset.has(column), (chart.key, column)
            for column, _, _ in chart.filters:
                assert dataset.has(column), (chart.key, column)


def test_native_filters_only_reach_charts_that_have_the_column():
    for dashboard in DASHBOARDS:
        config = bundle.dashboard_config(dashboard)
        ids = bundle._chart_ids()
        by_id = {ids[c.key]: c for c in dashboard.charts}
        for native in config["metadata"]["native_filter_configuration"]:
            column = native["targets"][0]["column"]["name"]
            for chart_id in native["chartsInScope"]:
                assert DATASETS_BY_KEY[by_id[chart_id].dataset].has(column)


def test_city_level_datasets_carry_city_code():
    """Row-level security filters on city_code: every dataset with a city has the column."""
    for dataset in DATASETS:
        if dataset.city_column:
            assert dataset.has(dataset.city_column), dataset.key


def test_zip_templates_the_published_copy(tmp_path):
    import duckdb

    serving = tmp_path / "serving.duckdb"
    con = duckdb.connect(str(serving))
    con.execute("create schema indicators")
    con.execute(
        "create table indicators.kpi_monthly as "
        "select '202602' as stat_month, 3 as billed_users union all select '202603', 0"
    )
    con.close()
    target = bundle.build_zip(serving, tmp_path / "bundle.zip")
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert all(n.startswith(f"{bundle.ROOT}/") for n in names)
        database = yaml.safe_load(archive.read(f"{bundle.ROOT}/databases/jingfen_serving.yaml"))
        overview = archive.read(f"{bundle.ROOT}/dashboards/overview.yaml").decode()
    assert database["sqlalchemy_uri"] == f"duckdb:///{serving}?access_mode=read_only"
    assert database["sqlalchemy_uri"].startswith("duckdb:////")
    assert "${" not in overview
    month_filter = yaml.safe_load(overview)["metadata"]["native_filter_configuration"][0]
    assert month_filter["defaultDataMask"]["filterState"]["value"] == ["202602"]


def test_every_dashboard_has_a_dbt_exposure():
    assert EXPOSURES.read_text(encoding="utf-8") == bundle.exposures_text()
    exposures = yaml.safe_load(EXPOSURES.read_text(encoding="utf-8"))["exposures"]
    by_name = {e["name"]: e for e in exposures}
    for dashboard in DASHBOARDS:
        exposure = by_name[f"dashboard_{dashboard.key}"]
        assert exposure["type"] == "dashboard"
        assert exposure["label"] == dashboard.title
        assert dashboard.slug in exposure["url"]


def test_pivot_tables_only_add_up_additive_metrics():
    """Pivot tables compute their subtotals in the browser by summing: a ratio would be wrong."""
    for dashboard in DASHBOARDS:
        for chart in dashboard.charts:
            if chart.kind != "pivot":
                continue
            metrics = {m.name: m for m in DATASETS_BY_KEY[chart.dataset].metrics}
            for name in chart.metrics:
                expression = metrics[name].expression
                assert expression.startswith("SUM(") and "/" not in expression, (chart.key, name)


def test_raw_tables_order_by_a_shown_column():
    """A raw table's saved query orders by one of its columns (else DuckDB asks for a GROUP BY)."""
    for dashboard in DASHBOARDS:
        for chart in dashboard.charts:
            if chart.kind == "raw":
                assert chart.order_by in chart.columns, chart.key


def test_presentation_columns_carry_both_labels():
    """The column labels of the dashboards live in the dbt YAML, in Chinese and English: on the
    presentation model for a column it makes, on the indicators table for one it passes through."""
    models = presentation_models()
    assert len(models) == 16
    for name, model in models.items():
        for column in model["columns"]:
            label_zh, label_en = column_label(name, column["name"]) or (None, None)
            assert label_zh and label_en, (name, column["name"])
    assert column_label("labelled_kpi_city_brand", "users_on_net") == ("在网用户数", "Users on net")
    assert (
        "meta"
        not in {c["name"]: c for c in models["labelled_kpi_city_brand"]["columns"]}["users_on_net"]
    )
    assert column_label("labelled_kpi_city_brand", "city_name") == ("地市", "City")


def test_no_two_columns_of_a_dataset_share_a_label():
    """An analyst picking a dimension tells the code (地市编码 0571) from its name (地市 杭州)."""
    for path in sorted((bundle.BUNDLE_DIR / "datasets").glob("*/*.yaml")):
        columns = yaml.safe_load(path.read_text(encoding="utf-8"))["columns"]
        labels = [column["verbose_name"] for column in columns]
        assert len(labels) == len(set(labels)), (path.name, labels)
    assert column_label("labelled_kpi_city_brand", "city_code") == ("地市编码", "City code")


# The one warehouse table read through SQL of its own: target_progress has no presentation model
# yet (labelled_target_progress belongs in warehouse/models/presentation), so its SQL joins the
# names from these published tables and nothing else.
PLAN_READS = {
    "indicators.target_progress", "indicators.dictionary", "presentation.kpi_city_brand",
}  # fmt: skip


def test_warehouse_datasets_are_the_presentation_tables():
    """Superset reads dbt's tables as they are; only the ops tables, which dbt does not build,
    have SQL of their own, and it reads nothing of the warehouse but the code names."""
    for dataset in DATASETS:
        if dataset.model:
            assert (dataset.table, dataset.sql) == (f"presentation.{dataset.key}", None)
            assert dataset.model == f"labelled_{dataset.key}"
        elif dataset.key == "target_progress":
            read = re.findall(r"\b(?:indicators|marts|presentation|reference)\.\w+", dataset.sql)
            assert set(read) == PLAN_READS
        else:
            assert dataset.key in ("load_log", "quality_results", "rejected_records")
            read = re.findall(
                r"\b(?:indicators|marts|presentation|reference)\.\w+", dataset.sql or ""
            )
            assert set(read) <= {"indicators.code_labels"}, dataset.key
    cities = {d.key for d in DATASETS if d.city_column}
    assert cities == {
        "kpi_city_brand", "kpi_rollup", "kpi_changes", "user_segments", "reentry_list",
        "revenue_by_item_class", "group_monthly", "vip_users", "vip_movement", "target_progress",
    }  # fmt: skip
