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



{#- The place names of the presentation models. `places` lists, in their column order, the places
    a model names ('province', 'city', 'brand'): place_name_ctes() writes their import CTEs (each
    followed by a comma), place_names() the code and name columns of `relation`'s rows
    (province_code, province_name, city_code, city_name, brand, brand_name), place_name_joins()
    the left joins those read. 0571 and 571 are the same city. -#}
{% macro place_name_ctes(places) -%}
    {{ place_name_sql('ctes', none, places) }}
{%- endmacro %}

{% macro place_names(relation, places) -%}
    {{ place_name_sql('columns', relation, places) }}
{%- endmacro %}

{% macro place_name_joins(relation, places) -%}
    {{ place_name_sql('joins', relation, places) }}
{%- endmacro %}

{#- Each place: its code column, the name column beside it, the CTE and the model or seed it is
    read from, that table's name column and join key. (The dispatch is called here, not through
    without_leading_zeros(), whose return() sqlfluff's renderer would let replace this output.) -#}
{% macro place_name_sql(part, relation, places) -%}
    {%- set known = {
        'province': {'code': 'province_code', 'name': 'province_name', 'cte': 'provinces',
                     'ref': 'province_names', 'label': 'province_name_zh', 'key': 'province_code'},
        'city': {'code': 'city_code', 'name': 'city_name', 'cte': 'cities',
                 'ref': 'city_names', 'label': 'city_name_zh', 'key': 'city_key'},
        'brand': {'code': 'brand', 'name': 'brand_name', 'cte': 'brands',
                  'ref': 'brands', 'label': 'brand_name_zh', 'key': 'brand'},
    } -%}
    {%- for place in places %}
        {%- set p = known[place] %}
        {%- set code = relation ~ '.' ~ p.code %}
        {%- if part == 'ctes' %}
{{ p.cte }} as (
    select * from {{ ref(p.ref) }}
),
        {%- elif part == 'columns' %}
        {{ code }},
        {{ label_or_code(p.cte ~ '.' ~ p.label, code) }} as {{ p.name }}{{ "," if not loop.last }}
        {%- else %}
    left join {{ p.cte }}
        on {{ adapter.dispatch('without_leading_zeros', 'jingfen')(code) if place == 'city' else code }} = {{ p.cte }}.{{ p.key }}
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
