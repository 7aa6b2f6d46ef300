-- Report: one row per stat_month, level ('province', 'all') and province_code ('ALL' on the all
-- level): each finance figure of finance_monthly, its value of M-1 and of M-12, and the changes.
-- The all level adds up the provinces that have the month. Rates are change / |previous value|,
-- rounded half away from zero to 6 decimals, NULL without a previous value or when it is 0.
{%- set figures = ['collected', 'bad_debt', 'arrears', 'doubtful_debt', 'accounts_in_arrears'] %}

with

finance as (
    select * from {{ ref('finance_monthly') }}
),

levels as (
    select
        'province' as level,
        stat_month,
        province_code,
        {%- for figure in figures %}
        {{ figure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from finance
    union all
    select
        'all' as level,
        stat_month,
        'ALL' as province_code,
        {%- for figure in figures %}
        sum({{ figure }}) as {{ figure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from finance
    group by stat_month
),

compared as (
    select
        levels.level,
        levels.stat_month,
        levels.province_code,
        {%- for figure in figures %}
        levels.{{ figure }},
        previous_month.{{ figure }} as {{ figure }}_previous_month,
        last_year.{{ figure }} as {{ figure }}_last_year{% if not loop.last %},{% endif %}
        {%- endfor %}
    from levels
    left join levels as previous_month
        on
            levels.level = previous_month.level
            and levels.province_code = previous_month.province_code
            and {{ month_add('levels.stat_month', -1) }} = previous_month.stat_month
    left join levels as last_year
        on
            levels.level = last_year.level
            and levels.province_code = last_year.province_code
            and {{ month_add('levels.stat_month', -12) }} = last_year.stat_month
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(level as {{ dbt.type_string() }}) as level,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        {%- for figure in figures %}
        {%- set cast_to = dbt.type_bigint() if figure == 'accounts_in_arrears' else 'decimal(18, 2)' %}
        {%- set cents = '' if figure == 'accounts_in_arrears' else ' * 100' %}
        cast({{ figure }} as {{ cast_to }}) as {{ figure }},
        cast({{ figure }}_previous_month as {{ cast_to }}) as {{ figure }}_previous_month,
        cast({{ figure }} - {{ figure }}_previous_month as {{ cast_to }}) as {{ figure }}_mom_change,
        {{ divide_exact(
            'cast((' ~ figure ~ ' - ' ~ figure ~ '_previous_month)' ~ cents ~ ' as ' ~ dbt.type_bigint() ~ ')',
            'abs(cast(' ~ figure ~ '_previous_month' ~ cents ~ ' as ' ~ dbt.type_bigint() ~ '))',
            scale=6
        ) }} as {{ figure }}_mom_rate,
        cast({{ figure }}_last_year as {{ cast_to }}) as {{ figure }}_last_year,
        cast({{ figure }} - {{ figure }}_last_year as {{ cast_to }}) as {{ figure }}_yoy_change,
        {{ divide_exact(
            'cast((' ~ figure ~ ' - ' ~ figure ~ '_last_year)' ~ cents ~ ' as ' ~ dbt.type_bigint() ~ ')',
            'abs(cast(' ~ figure ~ '_last_year' ~ cents ~ ' as ' ~ dbt.type_bigint() ~ '))',
            scale=6
        ) }} as {{ figure }}_yoy_rate{% if not loop.last %},{% endif %}
        {%- endfor %}
    from compared
)

select * from final
