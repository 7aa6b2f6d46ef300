"""Datasets on the presentation tables, described by the dbt project itself.

Each physical dataset is a dbt model of warehouse/models/presentation (``labelled_<key>``, published
as ``presentation.<key>``): its description, columns and types are read from
``_presentation__models.yml``, its column labels from the dbt YAML as warehouse/macros/
column_labels.sql resolves them for ``indicators.column_labels``: a column's own ``meta.label_zh``
/ ``label_en``, else the label of the same-named column of the models it selects from, which is
where a passed-through column is labelled. The bundle is generated without running dbt, so the
models it selects from are the ``ref()``s of its SQL; a test of the warehouse build holds this
resolution to the published column_labels. A dataset with a ``city_code`` column gets row-level
security on it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from core.errors import JingfenError
from dashboards.spec.vocabulary import Column, Dataset, Metric

WAREHOUSE_DIR = Path(__file__).resolve().parents[2] / "warehouse"
MODELS_YAML = WAREHOUSE_DIR / "models" / "presentation" / "_presentation__models.yml"
REF = re.compile(r"""\bref\(\s*['"](\w+)['"]\s*\)""")
SCHEMA = "presentation"
MODEL_PREFIX = "labelled_"
CITY_COLUMN = "city_code"


@cache
def presentation_models() -> dict[str, dict]:
    """The models of _presentation__models.yml by name."""
    with MODELS_YAML.open(encoding="utf-8") as source:
        return {model["name"]: model for model in yaml.safe_load(source)["models"]}


@cache
def _project_columns() -> dict[str, dict[str, dict]]:
    """The columns the dbt project's YAML gives every model and seed: node → column → its YAML."""
    nodes = {}
    for path in sorted(WAREHOUSE_DIR.glob("models/**/*.yml")) + sorted(
        WAREHOUSE_DIR.glob("seeds/*.yml")
    ):
        described = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for node in (*described.get("models", ()), *described.get("seeds", ())):
            nodes[node["name"]] = {c["name"]: c for c in node.get("columns", ())}
    return nodes


@cache
def _upstream(name: str) -> tuple[str, ...]:
    """The models and seeds a model selects from: the ref()s of its SQL (none for a seed)."""
    sql = list(WAREHOUSE_DIR.glob(f"models/**/{name}.sql"))
    return tuple(dict.fromkeys(REF.findall(sql[0].read_text(encoding="utf-8")))) if sql else ()


def column_label(model: str, column: str) -> tuple[str | None, str | None] | None:
    """(label_zh, label_en) of a model's column: its own, else the one the upstream models that
    have the column agree on; None when they give none or disagree."""
    meta = _project_columns()[model][column].get("meta") or {}
    if meta.get("label_zh") or meta.get("label_en"):
        return meta.get("label_zh"), meta.get("label_en")
    upstream = {
        label
        for parent in _upstream(model)
        if column in _project_columns().get(parent, {})
        and (label := column_label(parent, column)) is not None
    }
    return upstream.pop() if len(upstream) == 1 else None


def presentation_dataset(
    key: str,
    metrics: tuple[Metric, ...],
    main_dttm: str | None = None,
    time_columns: tuple[str, ...] = (),
) -> Dataset:
    """The dataset on ``presentation.<key>``; ``main_dttm`` and ``time_columns`` are the columns
    Superset treats as time (time grains, the time filter)."""
    model_name = MODEL_PREFIX + key
    model = presentation_models().get(model_name)
    if model is None:
        raise JingfenError(f"{MODELS_YAML} has no model {model_name} for the dataset {key}.")
    if model["config"]["alias"] != key:
        raise JingfenError(f"The model {model_name} must be published as {SCHEMA}.{key}.")
    times = {main_dttm, *time_columns} - {None}
    columns = []
    for column in model["columns"]:
        label_zh, _ = column_label(model_name, column["name"]) or (None, None)
        if not label_zh:
            raise JingfenError(
                f"The column {column['name']} of {model_name} has no label, of its own or from "
                "the models it selects it from (meta.label_zh in the dbt YAML)."
            )
        name = column["name"]
        columns.append(Column(name, column["data_type"].upper(), label_zh, name in times))
    dataset = Dataset(
        key=key,
        description=" ".join(model["description"].split()),
        columns=tuple(columns),
        metrics=metrics,
        table=f"{SCHEMA}.{key}",
        model=model_name,
        city_column=CITY_COLUMN if any(c.name == CITY_COLUMN for c in columns) else None,
        main_dttm=main_dttm,
    )
    for metric in metrics:
        dataset.metric_label(metric)  # every metric is named, by itself or by its column
    for name in times:
        dataset.column(name)
    return dataset
