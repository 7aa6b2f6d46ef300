{#- Lint-time stand-in for macros/column_labels.sql's published_columns (which reads dbt's graph,
    absent when sqlfluff renders a model): one column, so the model renders its full select. -#}
{% macro published_columns(schemas) -%}
    {{ return([{'schema_name': 'indicators', 'table_name': 'kpi_monthly', 'column_name': 'stat_month',
        'label_zh': '统计月份', 'label_en': 'Month', 'description': "Statistics month, text 'YYYYMM'."}]) }}
{%- endmacro %}


{#- Lint-time stand-in for relabelled_columns: one column, so the test renders its full select. -#}
{% macro relabelled_columns() -%}
    {{ return([{'model_name': 'labelled_kpi_city_brand', 'column_name': 'stat_month',
        'label_zh': '统计月份', 'label_en': 'Month', 'upstream_labels': '统计月份 / Month'}]) }}
{%- endmacro %}
