-- A failing row is a province whose newest month moved against the month before by more than an
-- indicator's tolerance: users_on_net 2 %, new_users 50 %, churned_users 70 %, billed_users 5 %,
-- billed_revenue 10 %, ARPU 10 %; calls and voice_minutes 20 %, sms_sent and data_mb 30 %, these
-- per calendar day (February is not a 10 % drop in calls). Judged only where the month before
-- reached a base at which a relative move means something (ARPU on its billed users). The number
-- may well be right (a warning), so the row names the city and the brand that moved most.
{%- set indicators = {
    'users_on_net': {'tolerance': 0.02, 'per_day': false, 'base': 'users_on_net', 'min_base': 1000},
    'new_users': {'tolerance': 0.50, 'per_day': false, 'base': 'new_users', 'min_base': 100},
    'churned_users': {'tolerance': 0.70, 'per_day': false, 'base': 'churned_users', 'min_base': 100},
    'billed_users': {'tolerance': 0.05, 'per_day': false, 'base': 'billed_users', 'min_base': 1000},
    'billed_revenue': {'tolerance': 0.10, 'per_day': false, 'base': 'billed_revenue', 'min_base': 50000},
    'arpu': {'tolerance': 0.10, 'per_day': false, 'base': 'billed_users', 'min_base': 1000},
    'calls': {'tolerance': 0.20, 'per_day': true, 'base': 'calls', 'min_base': 50000},
    'voice_minutes': {'tolerance': 0.20, 'per_day': true, 'base': 'voice_minutes', 'min_base': 100000},
    'sms_sent': {'tolerance': 0.30, 'per_day': true, 'base': 'sms_sent', 'min_base': 20000},
    'data_mb': {'tolerance': 0.30, 'per_day': true, 'base': 'data_mb', 'min_base': 100000},
} %}
{%- set summed = [
    'users_on_net', 'new_users', 'churned_users', 'billed_users', 'billed_revenue', 'calls',
    'voice_minutes', 'sms_sent', 'data_mb',
] %}
with

kpi as (
    select * from {{ ref('kpi_monthly') }}
),

province_months as (
    select distinct
        province_code,
        stat_month
    from kpi
),

ranked_months as (
    select
        province_code,
        stat_month,
        row_number() over (partition by province_code order by stat_month desc) as months_back,
        {{ dbt.datediff(month_start_date('stat_month'), next_month_start_date('stat_month'), 'day') }} as days_in_month
    from province_months
),

{#- the two newest months of each province, totalled per province, city and brand -#}
{%- for level, column in [('province', "'all'"), ('city', 'kpi.city_code'), ('brand', 'kpi.brand')] %}

{{ level }}_totals as (
    select
        kpi.province_code,
        '{{ level }}' as level,
        {{ column }} as level_value,
        ranked_months.stat_month,
        ranked_months.months_back,
        {%- for measure in summed %}
        cast(sum(kpi.{{ measure }}) as decimal(38, 4)) as {{ measure }},
        {%- endfor %}
        ranked_months.days_in_month
    from kpi
    inner join ranked_months
        on kpi.province_code = ranked_months.province_code and kpi.stat_month = ranked_months.stat_month
    where ranked_months.months_back <= 2
    group by
        kpi.province_code,
        {{ column }},
        ranked_months.stat_month,
        ranked_months.months_back,
        ranked_months.days_in_month
),
{% endfor %}
totals as (
    select * from province_totals
    union all
    select * from city_totals
    union all
    select * from brand_totals
),

-- one row per level value, indicator and month: its value (per day where it says) and base
measured as (
    {%- for indicator, rule in indicators.items() %}
    select
        province_code,
        level,
        level_value,
        months_back,
        stat_month,
        '{{ indicator }}' as indicator,
        {%- if indicator == 'arpu' %}
        case when billed_users != 0 then billed_revenue / billed_users end as indicator_value,
        {%- elif rule.per_day %}
        {{ indicator }} / days_in_month as indicator_value,
        {%- else %}
        {{ indicator }} as indicator_value,
        {%- endif %}
        {{ rule.base }} as base_value,
        {{ rule.min_base }} as min_base,
        {{ rule.tolerance }} as tolerance
    from totals
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

moves as (
    select
        province_code,
        level,
        level_value,
        indicator,
        max(case when months_back = 2 then stat_month end) as previous_month,
        max(case when months_back = 1 then stat_month end) as stat_month,
        coalesce(max(case when months_back = 2 then indicator_value end), 0) as before_value,
        coalesce(max(case when months_back = 1 then indicator_value end), 0) as after_value,
        coalesce(max(case when months_back = 2 then base_value end), 0) as previous_base,
        max(min_base) as min_base,
        max(tolerance) as tolerance
    from measured
    group by province_code, level, level_value, indicator
),

movers as (
    select
        province_code,
        level,
        level_value,
        indicator,
        row_number() over (
            partition by province_code, level, indicator
            order by abs(after_value - before_value) desc, level_value
        ) as rank_moved
    from moves
    where level != 'province'
),

province_moves as (
    select
        province_code,
        indicator,
        previous_month,
        stat_month,
        before_value,
        after_value,
        case
            when before_value != 0 then (after_value - before_value) / before_value
            when after_value = 0 then 0
            else 1
        end as relative_change,
        tolerance
    from moves
    where
        level = 'province'
        and previous_month is not null
        and previous_base >= min_base
),

final as (
    select
        province_moves.province_code,
        province_moves.stat_month,
        province_moves.previous_month,
        province_moves.indicator,
        round(province_moves.before_value, 2) as before_value,
        round(province_moves.after_value, 2) as after_value,
        round(province_moves.relative_change, 4) as relative_change,
        province_moves.tolerance,
        city_movers.level_value as most_moved_city,
        brand_movers.level_value as most_moved_brand
    from province_moves
    left join movers as city_movers
        on
            province_moves.province_code = city_movers.province_code
            and province_moves.indicator = city_movers.indicator
            and city_movers.level = 'city'
            and city_movers.rank_moved = 1
    left join movers as brand_movers
        on
            province_moves.province_code = brand_movers.province_code
            and province_moves.indicator = brand_movers.indicator
            and brand_movers.level = 'brand'
            and brand_movers.rank_moved = 1
    where abs(province_moves.relative_change) > province_moves.tolerance
)

select * from final
