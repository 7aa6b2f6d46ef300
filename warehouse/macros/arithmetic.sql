{#- Exact arithmetic. Money stays integer fen and durations integer seconds until the published
    column; DuckDB turns decimal division into DOUBLE, so every division here is integer division
    with explicit half-away-from-zero rounding, and the scale is applied by a decimal product. -#}

{% macro int_div(numerator, denominator) -%}
    {{ return(adapter.dispatch('int_div', 'jingfen')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__int_div(numerator, denominator) -%}
    cast(floor(({{ numerator }}) / ({{ denominator }})) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro duckdb__int_div(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{#- Spark's div truncates toward zero and gives a BIGINT (divide_exact divides absolute values). -#}
{% macro spark__int_div(numerator, denominator) -%}
    (({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}


{#- -1, 0 or 1 as an integer: Spark's sign() is a DOUBLE, which would turn the exact product
    below into floating point. -#}
{% macro sign_of(expression) -%}
    {{ return(adapter.dispatch('sign_of', 'jingfen')(expression)) }}
{%- endmacro %}

{% macro default__sign_of(expression) -%}
    sign({{ expression }})
{%- endmacro %}

{% macro spark__sign_of(expression) -%}
    cast(sign({{ expression }}) as integer)
{%- endmacro %}


{#- An integer type wide enough for sums scaled by 10^6 (fen, seconds and KB of a whole country). -#}
{% macro type_wide_integer() -%}
    {{ return(adapter.dispatch('type_wide_integer', 'jingfen')()) }}
{%- endmacro %}

{% macro default__type_wide_integer() -%}
    decimal(38, 0)
{%- endmacro %}

{% macro duckdb__type_wide_integer() -%}
    hugeint
{%- endmacro %}


{% macro int_mod(numerator, denominator) -%}
    (({{ numerator }}) - {{ int_div(numerator, denominator) }} * ({{ denominator }}))
{%- endmacro %}


{#- numerator / denominator rounded half away from zero to `scale` decimals, as DECIMAL(precision,
    scale); NULL when the denominator is 0 or NULL. Both arguments are integer expressions. -#}
{% macro divide_exact(numerator, denominator, scale=2, precision=18) -%}
    case
        when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else cast(
            cast(
                {{ sign_of(numerator) }} * {{ sign_of(denominator) }}
                * {{ int_div(
                    "abs(cast(" ~ numerator ~ " as " ~ type_wide_integer() ~ ")) * " ~ (10 ** scale) ~ " * 2 + abs(" ~ denominator ~ ")",
                    "2 * abs(" ~ denominator ~ ")"
                ) }}
                as decimal(38, 0)
            ) * {{ "1" if scale == 0 else "0." ~ ("0" * (scale - 1)) ~ "1" }}
            as decimal({{ precision }}, {{ scale }})
        )
    end
{%- endmacro %}


{#- Integer fen as DECIMAL(18,2) yuan: exact, no division. -#}
{% macro fen_to_yuan(fen) -%}
    cast(cast({{ fen }} as decimal(38, 0)) * 0.01 as decimal(18, 2))
{%- endmacro %}


{#- Integer KB as MB (KB / 1024) with 4 decimals: 1/1024 is a finite decimal, so this is exact
    before the final rounding. -#}
{% macro kb_to_mb(kilobytes) -%}
    {{ return(adapter.dispatch('kb_to_mb', 'jingfen')(kilobytes)) }}
{%- endmacro %}

{% macro default__kb_to_mb(kilobytes) -%}
    cast(cast({{ kilobytes }} as decimal(38, 0)) * 0.0009765625 as decimal(18, 4))
{%- endmacro %}

{#- Spark caps a product's precision at 38 by cutting its scale to 6 (DECIMAL(38,0) times the
    10 decimals of 1/1024), a rounding before the rounding; 20 digits of KB leave room for all 10. -#}
{% macro spark__kb_to_mb(kilobytes) -%}
    cast(cast({{ kilobytes }} as decimal(20, 0)) * 0.0009765625 as decimal(18, 4))
{%- endmacro %}


{#- Integer seconds as minutes with 4 decimals. -#}
{% macro seconds_to_minutes(seconds) -%}
    {{ divide_exact(seconds, 60, scale=4) }}
{%- endmacro %}


{#- Integer tenths of a minute (the billed-minute unit) as minutes with 1 decimal, exact. -#}
{% macro tenths_to_minutes(tenths) -%}
    cast(cast({{ tenths }} as decimal(38, 0)) * 0.1 as decimal(18, 4))
{%- endmacro %}


{#- A stable hash of several columns, NULL-safe, for change detection in history models. -#}
{% macro row_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
