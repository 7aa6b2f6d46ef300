"""Dashboards as code: dashboards/spec/ → Superset's export format (dashboards/bundle/) → a zip.

- ``write_bundle()`` writes the YAML files from the spec (``make bundle``, i.e. ``python -m
  dashboards.bundle``), with the column labels of the dbt presentation models; a test checks the
  committed files are its output.
- ``build_zip()`` templates the database URI with the published copy's absolute path and zips the
  folder under one root directory, as Superset's importer expects.
- ``normalize_export()`` turns a zip exported from a running Superset into the same layout: stable
  order, no volatile ids, the URI placeholder back in place.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import yaml

from dashboards.spec import (
    DASHBOARDS,
    DATABASE_NAME,
    DATASETS,
    DATASETS_BY_KEY,
    Chart,
    Dashboard,
    Dataset,
)

BUNDLE_DIR = Path(__file__).resolve().parent / "bundle"
ROOT = "jingfen_dashboards"
VERSION = "1.0.0"
URI_PLACEHOLDER = "duckdb:///${JINGFEN_SERVING_DB}?access_mode=read_only"
LATEST_MONTH = "${JINGFEN_LATEST_MONTH}"
DATABASE_KEY = "jingfen_serving"
# Fixed so the committed files do not change at every generation.
TIMESTAMP = "2026-01-01T00:00:00+00:00"
NAMESPACE = uuid.UUID("6f1c3c9e-9a51-4d0e-9d0b-1f6a4c2b7e10")


def stable_uuid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # no &id001 anchors: every file reads alone
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=True, width=100)


# --- database and datasets -----------------------------------------------------------------------


def database_config() -> dict:
    return {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": URI_PLACEHOLDER,
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,
        "configuration_method": "sqlalchemy_form",
        "impersonate_user": False,
        "extra": {
            "allows_virtual_table_explore": True,
            "metadata_params": {},
            "engine_params": {
                # Read-only file, and no reading or writing of any other file from SQL Lab.
                # The configuration is locked: a server process shares one DuckDB instance
                # among all its queries, so one user's SET (memory_limit, threads) would
                # change it for everyone.
                "connect_args": {
                    "read_only": True,
                    "config": {"enable_external_access": False, "lock_configuration": True},
                }
            },
            "metadata_cache_timeout": {},
            "schemas_allowed_for_file_upload": [],
        },
        "uuid": stable_uuid("database", DATABASE_KEY),
        "version": VERSION,
    }


def dataset_config(dataset: Dataset) -> dict:
    return {
        "table_name": dataset.table_name,
        "schema": dataset.schema,
        "catalog": None,
        "sql": dataset.sql,
        "description": dataset.description,
        "main_dttm_col": dataset.main_dttm,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "params": None,
        "template_params": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "currency_code_column": None,
        "folders": None,
        "uuid": stable_uuid("dataset", dataset.key),
        "database_uuid": stable_uuid("database", DATABASE_KEY),
        "version": VERSION,
        "columns": [
            {
                "column_name": column.name,
                "verbose_name": column.label,
                "type": column.type,
                "is_dttm": column.is_dttm,
                "is_active": True,
                "groupby": True,
                "filterable": True,
                "expression": None,
                "description": None,
                "python_date_format": None,
                "datetime_format": None,
                "advanced_data_type": None,
                "extra": None,
            }
            for column in sorted(dataset.columns, key=lambda c: c.name)
        ],
        "metrics": [
            {
                "metric_name": metric.name,
                "verbose_name": dataset.metric_label(metric),
                "expression": metric.expression,
                "metric_type": None,
                "description": metric.description,
                "d3format": metric.d3format,
                "currency": None,
                "extra": None,
                "warning_text": None,
            }
            for metric in sorted(dataset.metrics, key=lambda m: m.name)
        ],
    }


# --- charts --------------------------------------------------------------------------------------

VIZ = {
    "kpi": "big_number_total",
    "line": "echarts_timeseries_line",
    "bar": "echarts_timeseries_bar",
    "pie": "pie",
    "table": "table",
    "raw": "table",
    "pivot": "pivot_table_v2",
}


def _adhoc_filters(chart: Chart) -> list[dict]:
    return [
        {
            "clause": "WHERE",
            "expressionType": "SIMPLE",
            "subject": column,
            "operator": operator,
            "comparator": value,
        }
        for column, operator, value in chart.filters
    ]


def _metric_format(chart: Chart) -> str:
    metric = next(
        (m for m in DATASETS_BY_KEY[chart.dataset].metrics if m.name == chart.metrics[0]), None
    )
    if metric and metric.d3format and "%" in metric.d3format:
        return metric.d3format
    return "SMART_NUMBER"


def form_data(chart: Chart) -> dict:
    """The chart's params (Superset's form data)."""
    common = {
        "viz_type": VIZ[chart.kind],
        "datasource": "__DATASOURCE__",
        "adhoc_filters": _adhoc_filters(chart),
        "extra_form_data": {},
        "dashboards": [],
        "annotation_layers": [],
    }
    kind = chart.kind
    if kind == "kpi":
        return {
            **common,
            "metric": chart.metrics[0],
            "header_font_size": 0.3,
            "subheader_font_size": 0.125,
            "y_axis_format": _metric_format(chart),
            "time_format": "smart_date",
        }
    if kind in ("line", "bar"):
        temporal = DATASETS_BY_KEY[chart.dataset].has(chart.x) and any(
            c.name == chart.x and c.is_dttm for c in DATASETS_BY_KEY[chart.dataset].columns
        )
        data = {
            **common,
            "x_axis": chart.x,
            "metrics": list(chart.metrics),
            "groupby": list(chart.groupby),
            "row_limit": chart.row_limit,
            "order_desc": True,
            "truncate_metric": True,
            "show_legend": True,
            "legendType": "scroll",
            "legendOrientation": "top",
            "rich_tooltip": True,
            "showTooltipTotal": bool(chart.stack),
            "y_axis_format": _metric_format(chart),
            "truncateXAxis": True,
            "y_axis_bounds": [None, None],
            "comparison_type": "values",
            "annotation_layers": [],
            "seriesType": "line",
            "markerEnabled": kind == "line" and chart.x != "usage_date",
            "only_total": True,
            "color_scheme": "supersetColors",
            "x_axis_title_margin": 15,
            "y_axis_title_margin": 15,
            "y_axis_title_position": "Left",
        }
        if chart.stack:
            data["stack"] = "Stack"
        if temporal:
            data.update(
                {
                    "time_grain_sqla": "P1D" if chart.x == "usage_date" else "P1M",
                    "x_axis_time_format": "%Y-%m-%d" if chart.x == "usage_date" else "%Y-%m",
                    "x_axis_sort_asc": True,
                }
            )
        else:
            data.update(
                {
                    "x_axis_sort": chart.x if chart.order_by == "__x" else chart.metrics[0],
                    "x_axis_sort_asc": chart.order_by == "__x",
                    "x_axis_sort_series": "name",
                    "x_axis_sort_series_ascending": True,
                }
            )
        if kind == "bar":
            data["orientation"] = "vertical"
        return data
    if kind == "pie":
        return {
            **common,
            "metric": chart.metrics[0],
            "groupby": list(chart.groupby),
            "row_limit": chart.row_limit,
            "sort_by_metric": True,
            "show_labels": True,
            "labels_outside": True,
            "label_type": "key_percent",
            "number_format": "SMART_NUMBER",
            "show_legend": True,
            "legendType": "scroll",
            "legendOrientation": "top",
            "donut": True,
            "innerRadius": 40,
            "outerRadius": 70,
            "color_scheme": "supersetColors",
        }
    if kind == "table":
        return {
            **common,
            "query_mode": "aggregate",
            "groupby": list(chart.groupby),
            "metrics": list(chart.metrics),
            "all_columns": [],
            "percent_metrics": [],
            "timeseries_limit_metric": chart.order_by,
            "order_desc": chart.descending,
            "row_limit": chart.row_limit,
            "server_page_length": 10,
            "table_timestamp_format": "smart_date",
            "show_cell_bars": True,
            "color_pn": True,
            "include_search": False,
        }
    if kind == "raw":
        return {
            **common,
            "query_mode": "raw",
            "all_columns": list(chart.columns),
            "order_by_cols": [json.dumps([chart.order_by, not chart.descending])],
            "row_limit": chart.row_limit,
            "server_page_length": 10,
            "table_timestamp_format": "%Y-%m-%d %H:%M:%S",
            "include_search": True,
            "show_cell_bars": False,
        }
    if kind == "pivot":
        return {
            **common,
            "groupbyRows": list(chart.groupby),
            "groupbyColumns": list(chart.columns),
            "metrics": list(chart.metrics),
            "metricsLayout": "COLUMNS",
            "aggregateFunction": "Sum",
            "rowTotals": False,
            "colTotals": True,
            "rowSubTotals": True,
            "colSubTotals": False,
            "transposePivot": False,
            "combineMetric": False,
            "valueFormat": "SMART_NUMBER",
            "date_format": "smart_date",
            "row_limit": chart.row_limit,
            "order_desc": True,
            "rowOrder": "key_a_to_z",
            "colOrder": "key_a_to_z",
        }
    raise ValueError(f"unknown chart kind {kind}")


def query_context(chart: Chart, params: dict) -> dict:
    """What the chart data API runs for this chart (GET /api/v1/chart/<id>/data, reports)."""
    dataset = DATASETS_BY_KEY[chart.dataset]
    query: dict[str, Any] = {
        "filters": [
            {"col": column, "op": operator, "val": value}
            for column, operator, value in chart.filters
        ],
        "extras": {"having": "", "where": ""},
        "applied_time_extras": {},
        "columns": [],
        "metrics": list(chart.metrics),
        "orderby": [],
        "annotation_layers": [],
        "row_limit": chart.row_limit,
        "series_limit": 0,
        "order_desc": True,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
    }
    kind = chart.kind
    if kind in ("line", "bar"):
        x_column: Any = chart.x
        if dataset.has(chart.x) and any(c.name == chart.x and c.is_dttm for c in dataset.columns):
            x_column = {
                "columnType": "BASE_AXIS",
                "sqlExpression": chart.x,
                "label": chart.x,
                "expressionType": "SQL",
                "timeGrain": params["time_grain_sqla"],
            }
        query["columns"] = [x_column, *chart.groupby]
        query["series_columns"] = list(chart.groupby)
        query["orderby"] = [[chart.metrics[0], False]]
    elif kind in ("pie", "table"):
        query["columns"] = list(chart.groupby)
        order = chart.order_by or chart.metrics[0]
        query["orderby"] = [[order, not chart.descending]]
    elif kind == "raw":
        query["columns"] = list(chart.columns)
        query["metrics"] = []
        query["orderby"] = [[chart.order_by, not chart.descending]]
    elif kind == "pivot":
        query["columns"] = [*chart.groupby, *chart.columns]
        query["orderby"] = [[chart.metrics[0], False]]
    return {
        "datasource": {"id": "__DATASOURCE_ID__", "type": "table"},
        "force": False,
        "queries": [query],
        "form_data": params,
        "result_format": "json",
        "result_type": "full",
    }


def chart_config(chart: Chart, dashboard: Dashboard) -> dict:
    params = form_data(chart)
    return {
        "slice_name": chart.title,
        "description": chart.description or None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": VIZ[chart.kind],
        "params": params,
        "query_context": json.dumps(
            query_context(chart, params), ensure_ascii=False, sort_keys=True
        ),
        "cache_timeout": None,
        "uuid": stable_uuid("chart", chart.key),
        "dataset_uuid": stable_uuid("dataset", chart.dataset),
        "version": VERSION,
    }


# --- dashboards ----------------------------------------------------------------------------------


def _chart_ids() -> dict[str, int]:
    """Local chart ids for positions and filter scopes; the importer maps them to real ones."""
    return {
        chart.key: number
        for number, chart in enumerate((c for d in DASHBOARDS for c in d.charts), start=1)
    }


_EMPTY_MASK = {"extraFormData": {}, "filterState": {}, "ownState": {}}


def _default_mask(column: str) -> dict:
    """The month filter starts on the latest published month, filled in by build_zip()."""
    return {
        "extraFormData": {"filters": [{"col": column, "op": "IN", "val": [LATEST_MONTH]}]},
        "filterState": {"value": [LATEST_MONTH], "label": LATEST_MONTH},
        "ownState": {},
    }


def _native_filters(dashboard: Dashboard, ids: dict[str, int]) -> list[dict]:
    filters = []
    for column in dashboard.filters:
        in_scope = [
            c
            for c in dashboard.charts
            if DATASETS_BY_KEY[c.dataset].has(column) and not (column == "stat_month" and c.trend)
        ]
        if not in_scope:
            continue
        target = DATASETS_BY_KEY[in_scope[0].dataset]
        excluded = [ids[c.key] for c in dashboard.charts if c not in in_scope]
        is_month = column == "stat_month"
        filters.append(
            {
                "id": f"NATIVE_FILTER-{dashboard.key}-{column}",
                "name": target.column(column).label,
                "filterType": "filter_select",
                "type": "NATIVE_FILTER",
                "description": "",
                "targets": [
                    {"column": {"name": column}, "datasetUuid": stable_uuid("dataset", target.key)}
                ],
                "controlValues": {
                    "enableEmptyFilter": is_month,
                    "defaultToFirstItem": False,
                    "multiSelect": not is_month,
                    "searchAllOptions": False,
                    "inverseSelection": False,
                    "sortAscending": not is_month,
                },
                "defaultDataMask": _default_mask(column) if is_month else _EMPTY_MASK,
                "cascadeParentIds": [],
                "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded},
                "chartsInScope": [ids[c.key] for c in in_scope],
                "tabsInScope": [],
            }
        )
    return filters


def _position(dashboard: Dashboard, ids: dict[str, int]) -> dict:
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
        "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": dashboard.title}, "type": "HEADER"},
        "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
    }
    for number, row in enumerate(dashboard.rows, start=1):
        row_id = f"ROW-{dashboard.key}-{number}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "children": [f"CHART-{chart.key}" for chart in row],
            "id": row_id,
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
            "parents": ["ROOT_ID", "GRID_ID"],
            "type": "ROW",
        }
        for chart in row:
            position[f"CHART-{chart.key}"] = {
                "children": [],
                "id": f"CHART-{chart.key}",
                "meta": {
                    "chartId": ids[chart.key],
                    "height": chart.height,
                    "width": chart.width,
                    "sliceName": chart.title,
                    "uuid": stable_uuid("chart", chart.key),
                },
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "type": "CHART",
            }
    return position


def dashboard_config(dashboard: Dashboard) -> dict:
    ids = _chart_ids()
    chart_ids = [ids[c.key] for c in dashboard.charts]
    return {
        "dashboard_title": dashboard.title,
        "description": dashboard.description,
        "css": "",
        "slug": dashboard.slug,
        "certified_by": None,
        "certification_details": None,
        "published": True,
        "theme_uuid": None,
        "uuid": stable_uuid("dashboard", dashboard.key),
        "version": VERSION,
        "position": _position(dashboard, ids),
        "metadata": {
            "color_scheme": "supersetColors",
            "cross_filters_enabled": True,
            "refresh_frequency": 0,
            "timed_refresh_immune_slices": [],
            "expanded_slices": {},
            "shared_label_colors": [],
            "label_colors": {},
            "native_filter_configuration": _native_filters(dashboard, ids),
            "global_chart_configuration": {
                "scope": {"rootPath": ["ROOT_ID"], "excluded": []},
                "chartsInScope": chart_ids,
            },
        },
    }


# --- files ---------------------------------------------------------------------------------------


def bundle_files() -> dict[str, str]:
    """Every file of the bundle, by path inside it."""
    files = {
        "metadata.yaml": dump({"version": VERSION, "type": "Dashboard", "timestamp": TIMESTAMP}),
        f"databases/{DATABASE_KEY}.yaml": dump(database_config()),
    }
    for dataset in DATASETS:
        files[f"datasets/{DATABASE_KEY}/{dataset.key}.yaml"] = dump(dataset_config(dataset))
    for dashboard in DASHBOARDS:
        files[f"dashboards/{dashboard.key}.yaml"] = dump(dashboard_config(dashboard))
        for chart in dashboard.charts:
            files[f"charts/{chart.key}.yaml"] = dump(chart_config(chart, dashboard))
    return dict(sorted(files.items()))


def write_bundle(target: Path = BUNDLE_DIR) -> None:
    if target.exists():
        shutil.rmtree(target)
    for name, text in bundle_files().items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def read_bundle(source: Path = BUNDLE_DIR) -> dict[str, str]:
    return {
        str(p.relative_to(source)): p.read_text(encoding="utf-8")
        for p in sorted(source.rglob("*.yaml"))
    }


def stale_files(source: Path = BUNDLE_DIR) -> list[str]:
    """Files of the bundle at ``source`` that are not the generator's output: changed, missing or
    left over (``make bundle`` writes the folder afresh, so a left-over file would be lost)."""
    generated, found = bundle_files(), read_bundle(source)
    return sorted(n for n in generated.keys() | found.keys() if generated.get(n) != found.get(n))


def latest_month(serving_db: Path) -> str:
    """The dashboards' default month: the newest month of the published copy that has been
    billed (the last closed month; the running month has usage but no bills yet)."""
    con = duckdb.connect(str(serving_db), read_only=True)
    try:
        row = con.execute(
            "select coalesce(max(stat_month) filter (where billed_users > 0), max(stat_month)) "
            "from indicators.kpi_monthly"
        ).fetchone()
    finally:
        con.close()
    return row[0] if row and row[0] else ""


def build_zip(serving_db: Path, target: Path, source: Path = BUNDLE_DIR) -> Path:
    """The bundle with the published copy's path in the URI and its latest month as the default
    month, zipped under one root folder."""
    month = latest_month(serving_db)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in read_bundle(source).items():
            if name.startswith("databases/"):
                text = text.replace("${JINGFEN_SERVING_DB}", str(serving_db.resolve()))
            if name.startswith("dashboards/"):
                text = text.replace(LATEST_MONTH, f"'{month}'")
            bundle.writestr(f"{ROOT}/{name}", text)
    return target


# --- export normalisation ------------------------------------------------------------------------

VOLATILE_PARAMS = ("slice_id", "dashboards", "datasource")


def _normalize_chart(config: dict) -> dict:
    params = config.get("params") or {}
    for key in VOLATILE_PARAMS:
        params.pop(key, None)
    params["datasource"] = "__DATASOURCE__"
    params["dashboards"] = []
    if config.get("query_context"):
        context = json.loads(config["query_context"])
        context["datasource"] = {"id": "__DATASOURCE_ID__", "type": "table"}
        context.get("form_data", {}).update({"datasource": "__DATASOURCE__", "dashboards": []})
        for key in ("slice_id",):
            context.get("form_data", {}).pop(key, None)
        config["query_context"] = json.dumps(context, ensure_ascii=False, sort_keys=True)
    return config


def _renumber_dashboard(config: dict) -> dict:
    """Replace the running Superset's chart ids with the bundle's local ones (by chart uuid)."""
    local = {stable_uuid("chart", k): v for k, v in _chart_ids().items()}
    position = config.get("position") or {}
    id_map: dict[int, int] = {}
    next_free = max(local.values(), default=0) + 1
    for child in position.values():
        if isinstance(child, dict) and child.get("type") == "CHART":
            old = child["meta"].get("chartId")
            new = local.get(child["meta"].get("uuid"))
            if new is None:
                new, next_free = next_free, next_free + 1
            id_map[old] = new
            child["meta"]["chartId"] = new
    metadata = config.get("metadata") or {}
    for native in metadata.get("native_filter_configuration", []):
        targets = native.get("targets") or [{}]
        if targets[0].get("column", {}).get("name") == "stat_month":
            native["defaultDataMask"] = _default_mask("stat_month")
        for target in targets:  # the bundle names datasets by uuid, not by this instance's id
            target.pop("datasetId", None)
        scope = native.get("scope", {})
        scope["excluded"] = sorted(id_map.get(i, i) for i in scope.get("excluded", []))
        native["chartsInScope"] = sorted(id_map.get(i, i) for i in native.get("chartsInScope", []))
    glob = metadata.get("global_chart_configuration", {})
    if "chartsInScope" in glob:
        glob["chartsInScope"] = sorted(id_map.get(i, i) for i in glob["chartsInScope"])
    if "chart_configuration" in metadata:
        metadata["chart_configuration"] = {
            str(id_map.get(int(k), k)): {**v, "id": id_map.get(int(k), k)}
            for k, v in metadata["chart_configuration"].items()
        }
    for key in ("positions", "map_label_colors", "color_scheme_domain"):
        metadata.pop(key, None)
    return config


def _by(key: str):
    return lambda item: item[key]


def normalize_export(exported_zip: bytes) -> dict[str, str]:
    """Files of a Superset export, made comparable with the committed bundle."""
    files: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(exported_zip)) as bundle:
        for name in bundle.namelist():
            if not name.endswith(".yaml"):
                continue
            inner = name.split("/", 1)[1]
            config = yaml.safe_load(bundle.read(name))
            if inner == "metadata.yaml":
                config = {"version": VERSION, "type": "Dashboard", "timestamp": TIMESTAMP}
            elif inner.startswith("databases/"):
                config["sqlalchemy_uri"] = URI_PLACEHOLDER
                config.pop("password", None)
                inner = f"databases/{DATABASE_KEY}.yaml"
            elif inner.startswith("datasets/"):
                inner = f"datasets/{DATABASE_KEY}/{Path(inner).name}"
                config["columns"] = sorted(
                    config.get("columns", []), key=lambda c: c["column_name"]
                )
                config["metrics"] = sorted(
                    config.get("metrics", []), key=lambda m: m["metric_name"]
                )
            elif inner.startswith("charts/"):
                config = _normalize_chart(config)
            elif inner.startswith("dashboards/"):
                config = _renumber_dashboard(config)
            files[_stable_name(inner, config)] = dump(config)
    return dict(sorted(files.items()))


def _stable_name(inner: str, config: dict) -> str:
    """Superset names exported files after titles and ids; keep the bundle's own names."""
    known = {
        stable_uuid("chart", c.key): f"charts/{c.key}.yaml" for d in DASHBOARDS for c in d.charts
    }
    known |= {stable_uuid("dashboard", d.key): f"dashboards/{d.key}.yaml" for d in DASHBOARDS}
    known |= {
        stable_uuid("dataset", d.key): f"datasets/{DATABASE_KEY}/{d.key}.yaml" for d in DATASETS
    }
    return known.get(str(config.get("uuid")), inner)


# --- dbt exposures ------------------------------------------------------------------------------

EXPOSURES = BUNDLE_DIR.parents[1] / "warehouse" / "models" / "exposures.yml"
DEFAULT_URL = "http://127.0.0.1:8088"


def _models(dataset: Dataset) -> set[str]:
    """dbt models a dataset reads (ops tables are written by ingestion and the quality gate, not
    dbt; an indicators table is published under its model's name)."""
    if dataset.model:
        return {dataset.model}
    return set(re.findall(r"\bindicators\.([a-z_0-9]+)", dataset.sql or ""))


def exposures_text() -> str:
    exposures = []
    for dashboard in DASHBOARDS:
        models = sorted(
            {m for chart in dashboard.charts for m in _models(DATASETS_BY_KEY[chart.dataset])}
        )
        exposures.append(
            {
                "name": f"dashboard_{dashboard.key}",
                "label": dashboard.title,
                "type": "dashboard",
                "maturity": "medium",
                "url": f"{DEFAULT_URL}/superset/dashboard/{dashboard.slug}/",
                "description": dashboard.description,
                "depends_on": [f"ref('{m}')" for m in models],
                "owner": {"name": "Jingfen BI", "email": "bi@jingfen.invalid"},
                "meta": {"superset_uuid": stable_uuid("dashboard", dashboard.key)},
            }
        )
    header = (
        "# Superset dashboards (dashboards/bundle) as dbt exposures: what each dashboard reads.\n"
        "# Generated by `make bundle` from dashboards/spec/; edit there.\n"
    )
    return header + dump({"version": 2, "exposures": exposures})


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else BUNDLE_DIR
    write_bundle(target)
    print(f"wrote {len(bundle_files())} files to {target}")
    if not argv:
        EXPOSURES.write_text(exposures_text(), encoding="utf-8")
        print(f"wrote {EXPOSURES}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
