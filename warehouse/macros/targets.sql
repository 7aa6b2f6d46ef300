{#- Year to date and targets (docs/indicators.md, "Year to date and targets"): calendar days as
    integer arithmetic on 'YYYYMM' text, so no engine's date functions are needed, and exact
    ratios of decimal values. -#}

{#- 1 when the year (an integer expression) is a leap year, else 0. -#}
{% macro is_leap_year(year) -%}
    case
        when {{ int_mod(year, 400) }} = 0 then 1
        when {{ int_mod(year, 100) }} = 0 then 0
        when {{ int_mod(year, 4) }} = 0 then 1
        else 0
    end
{%- endmacro %}


{#- Days from January 1 to the last day of the month `month_text` ('YYYYMM'), inclusive. -#}
{% macro days_to_month_end(month_text) -%}
    {%- set year = "cast(substring(" ~ month_text ~ ", 1, 4) as integer)" -%}
    (
        case cast(substring({{ month_text }}, 5, 2) as integer)
            {%- for days in [31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365] %}
            when {{ loop.index }} then {{ days }}
            {%- endfor %}
        end
        + case when cast(substring({{ month_text }}, 5, 2) as integer) >= 2 then {{ is_leap_year(year) }} else 0 end
    )
{%- endmacro %}


{#- Days in the year of the month `month_text` ('YYYYMM'): 365 or 366. -#}
{% macro days_in_year(month_text) -%}
    (365 + {{ is_leap_year("cast(substring(" ~ month_text ~ ", 1, 4) as integer)") }})
{%- endmacro %}


{#- A decimal value of at most 6 places as an integer count of millionths, so that ratios of such
    values divide exactly (divide_exact takes integer expressions). -#}
{% macro micros(value) -%}
    cast(cast({{ value }} as decimal(38, 6)) * 1000000 as {{ type_wide_integer() }})
{%- endmacro %}


{#- numerator / denominator of two decimal values, 6 places half away from zero; NULL when either
    is NULL or the denominator is 0. -#}
{% macro decimal_ratio(numerator, denominator) -%}
    {{ divide_exact(micros(numerator), micros(denominator), scale=6) }}
{%- endmacro %}
