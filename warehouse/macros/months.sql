{#- Month arithmetic on 'YYYYMM' text. A month index (year * 12 + month - 1) makes M-1, M-5 and
    "months between" plain integer arithmetic; only the conversions are engine-specific. -#}

{% macro month_index(month_text) -%}
    (cast(substring({{ month_text }}, 1, 4) as integer) * 12 + cast(substring({{ month_text }}, 5, 2) as integer) - 1)
{%- endmacro %}


{% macro month_from_index(month_index_expr) -%}
    {{ return(adapter.dispatch('month_from_index', 'jingfen')(month_index_expr)) }}
{%- endmacro %}

{% macro default__month_from_index(month_index_expr) -%}
    {{ dbt.concat([
        "cast(" ~ int_div(month_index_expr, 12) ~ " as " ~ dbt.type_string() ~ ")",
        "lpad(cast(" ~ int_mod(month_index_expr, 12) ~ " + 1 as " ~ dbt.type_string() ~ "), 2, '0')",
    ]) }}
{%- endmacro %}


{% macro month_add(month_text, months) -%}
    {{ month_from_index(month_index(month_text) ~ " + (" ~ months ~ ")") }}
{%- endmacro %}


{% macro month_of(timestamp_expr) -%}
    {{ return(adapter.dispatch('month_of', 'jingfen')(timestamp_expr)) }}
{%- endmacro %}

{% macro default__month_of(timestamp_expr) -%}
    to_char({{ timestamp_expr }}, 'YYYYMM')
{%- endmacro %}

{% macro duckdb__month_of(timestamp_expr) -%}
    strftime({{ timestamp_expr }}, '%Y%m')
{%- endmacro %}

{% macro spark__month_of(timestamp_expr) -%}
    date_format({{ timestamp_expr }}, 'yyyyMM')
{%- endmacro %}


{% macro month_start_date(month_text) -%}
    {{ return(adapter.dispatch('month_start_date', 'jingfen')(month_text)) }}
{%- endmacro %}

{% macro default__month_start_date(month_text) -%}
    to_date({{ month_text }} || '01', 'YYYYMMDD')
{%- endmacro %}

{% macro duckdb__month_start_date(month_text) -%}
    cast(strptime({{ month_text }} || '01', '%Y%m%d') as date)
{%- endmacro %}

{% macro spark__month_start_date(month_text) -%}
    to_date({{ month_text }} || '01', 'yyyyMMdd')
{%- endmacro %}


{#- First day of the month after M: "on or before the end of M" is "< month_after_start(M)". -#}
{% macro next_month_start_date(month_text) -%}
    cast({{ dbt.dateadd('month', 1, month_start_date(month_text)) }} as date)
{%- endmacro %}
