{#- The lake: sources are declared in models/staging/boss/_boss__sources.yml (written from
    core/contract.py by `make sources`) with dbt-duckdb's external_location (read_parquet over the
    interface's files) and, in meta.lake_files, the glob of those files. read_parquet fails when the
    glob matches no file, so staging reads a source through lake_source(): when the interface has
    no delivery yet it returns an empty relation typed from the source's declared columns. -#}

{% macro lake_has_files(source_node) -%}
    {{ return(adapter.dispatch('lake_has_files', 'jingfen')(source_node)) }}
{%- endmacro %}

{% macro default__lake_has_files(source_node) -%}
    {#- Other engines read the lake through their own catalog: assume the table exists. -#}
    {{ return(true) }}
{%- endmacro %}

{% macro duckdb__lake_has_files(source_node) -%}
    {%- set result = run_query("select count(*) from glob('" ~ source_node.meta.lake_files ~ "')") -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{%- endmacro %}


{% macro empty_source_relation(source_node) -%}
    (
        select
        {%- for column in source_node.columns.values() %}
            cast(null as {{ column.data_type }}) as {{ adapter.quote(column.name) }}{{ "," if not loop.last }}
        {%- endfor %}
        where 1 = 0
    ) as empty_lake_relation
{%- endmacro %}


{% macro lake_source(table_name) -%}
    {%- set relation = source('boss', table_name) -%}
    {%- if execute -%}
        {%- set source_node = graph.sources['source.jingfen.boss.' ~ table_name] -%}
        {%- if lake_has_files(source_node) -%}
            {{ relation }}
        {%- else -%}
            {{ log("lake/" ~ table_name ~ " holds no delivery yet: reading it as empty", info=true) }}
            {{ empty_source_relation(source_node) }}
        {%- endif -%}
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
