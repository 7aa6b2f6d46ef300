{#- dbt's own cross-database macros where Spark needs another form than dbt-spark gives
    (dbt_project.yml's dispatch puts this project before dbt). -#}

{#- A declared column type (the contracts', the sources') in the engine's words: Spark has no
    VARCHAR without a length, its text type is STRING. -#}
{% macro engine_type(data_type) -%}
    {{ return(adapter.dispatch('engine_type', 'jingfen')(data_type)) }}
{%- endmacro %}

{% macro default__engine_type(data_type) -%}
    {{ return(data_type) }}
{%- endmacro %}

{% macro spark__engine_type(data_type) -%}
    {{ return(dbt.type_string() if data_type | trim | lower == 'varchar' else data_type) }}
{%- endmacro %}


{#- The cast dbt's contract check writes for every declared column. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ engine_type(type) }})
{%- endmacro %}


{#- dbt-spark goes through Unix seconds in the session's time zone; Spark's own timestampadd keeps
    the wall-clock time, as DuckDB's date + interval does. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}


{#- Seeds on Spark. dbt-spark's session cursor pastes each value into the insert between quotes,
    unescaped (a quote in a label breaks it) and an empty cell as 'None' (which fails its cast):
    here each value is a literal of its own, NULL when the cell is empty; column types as
    engine_type() gives them. -#}
{% macro spark__create_csv_table(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {%- set sql -%}
        create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) %}
            {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ engine_type(type) }}{{ "," if not loop.last }}
        {%- endfor %}
        )
        {{ file_format_clause() }}
        {{ location_clause() }}
        {{ comment_clause() }}
    {%- endset -%}
    {%- call statement('_') -%}
        {{ sql }}
    {%- endcall -%}
    {{ return(sql) }}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(engine_type(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {%- for row in chunk %}
            (
                {%- for value in row -%}
                    {%- if value is none -%}
                        cast(null as {{ types[loop.index0] }})
                    {%- else -%}
                        cast({{ spark__quoted_text(value | string) }} as {{ types[loop.index0] }})
                    {%- endif -%}
                    {{ ", " if not loop.last }}
                {%- endfor -%}
            ){{ "," if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}
