"""Datasets on the presentation tables, described by the dbt project itself.

Each physical dataset is a dbt model of warehouse/models/presentation (``labelled_<key>``, published
as ``presentation.<key>``): its description, columns, types and column labels (``meta.label_zh``)
are read from ``_presentation__models.yml``, so a label lives once, in the warehouse. A dataset
with a ``city_code`` column gets row-level security on it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from core.errors import JingfenError
from dashboards.spec.vocabulary import Column, Dataset, Metric

MODELS_YAML = (
    Path(__file__).resolve().parents[2]
    / "warehouse"
    / "models"
    / "presentation"
    / "_presentation__models.yml"
)
SCHEMA = "presentation"
MODEL_PREFIX = "labelled_"
CITY_COLUMN = "city_code"


@cache
def presentation_models() -> dict[str, dict]:
    """The models of _presentation__models.yml by name."""
    with MODELS_YAML.open(encoding="utf-8") as source:
        return {model["name"]: model for model in yaml.safe_load(source)["models"]}


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
    columns = tuple(
        Column(c["name"], c["data_type"].upper(), c["meta"]["label_zh"], c["name"] in times)
        for c in model["columns"]
    )
    dataset = Dataset(
        key=key,
        description=" ".join(model["description"].split()),
        columns=columns,
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
