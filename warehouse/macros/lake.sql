{#- The lake: sources are declared in models/staging/boss/_boss__sources.yml (written from
    core/contract.py by `make sources`) with dbt-duckdb's external_location (read_parquet over the
    interface's files) and, in meta.lake_files, the glob of those files. read_parquet fails when the
    glob matches no file, so staging reads a source through lake_source(): when the interface has
    no delivery yet it returns an empty relation typed from the source's declared columns.
    On Spark each source is a table of the catalog over the interface's folder (lake_catalog(),
    the project's on-run-start hook), which reads as empty while the folder holds no file. -#}

{% macro lake_catalog() -%}
    {{ return(adapter.dispatch('lake_catalog', 'jingfen')()) }}
{%- endmacro %}

{% macro default__lake_catalog() -%}
    {{ return('') }}
{%- endmacro %}

{#- Every lake source as an external Parquet table (dropping one leaves its files), made anew on
    every run so that its columns are the contract's: typed as declared, a column missing from
    older files reads as NULL (as union_by_name does on DuckDB), and the files are found under
    the folder above the glob's first wildcard, by name (*.parquet). -#}
{% macro spark__lake_catalog() -%}
    {%- if execute -%}
        {%- for source_node in graph.sources.values() | sort(attribute='unique_id')
            if source_node.meta.lake_files -%}
            {%- set folder = source_node.meta.lake_files.split('*')[0].rsplit('/', 1)[0] -%}
            {%- if loop.first -%}
                {%- do run_query('create database if not exists ' ~ source_node.schema) -%}
            {%- endif -%}
            {%- set table = source_node.schema ~ '.' ~ source_node.identifier -%}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- set create_table -%}
                create table {{ table }} (
                {%- for column in source_node.columns.values() %}
                    {{ adapter.quote(column.name) }} {{ engine_type(column.data_type) }}{{ "," if not loop.last }}
                {%- endfor %}
                )
                using parquet
                options (recursiveFileLookup 'true', pathGlobFilter '*.parquet')
                location '{{ folder }}'
            {%- endset -%}
            {%- do run_query(create_table) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

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
