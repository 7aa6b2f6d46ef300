{#- Labels for the presentation models: the name of a code from its seed (or dimension), the code
    itself when nothing names it, and 未知 for a missing code or UNKNOWN, the warehouse's code for a
    segment it cannot tell (no snapshot, plan, channel or open date). -#}
{% macro label_or_code(label, code) -%}
    coalesce({{ label }}, case when {{ code }} = 'UNKNOWN' then '未知' else {{ code }} end, '未知')
{%- endmacro %}


{#- A code without its leading zeros: BOSS extracts may write a city's area code as 0571 where the
    cities seed has 571, and both mean 杭州. -#}
{% macro without_leading_zeros(code) -%}
    {{ return(adapter.dispatch('without_leading_zeros', 'jingfen')(code)) }}
{%- endmacro %}

{% macro default__without_leading_zeros(code) -%}
    trim(leading '0' from {{ code }})
{%- endmacro %}

{% macro duckdb__without_leading_zeros(code) -%}
    ltrim({{ code }}, '0')
{%- endmacro %}
