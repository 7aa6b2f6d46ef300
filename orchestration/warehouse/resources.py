from dagster_dbt import DbtCliResource

from orchestration.warehouse.assets import project

dbt = DbtCliResource(project_dir=project)
