{#- Lint-time stand-in for macros/lake.sql's lake_source (which queries the lake at run time). -#}
{% macro lake_source(table_name) -%}
    read_parquet('{{ table_name }}.parquet')
{%- endmacro %}
