-- kpi_changes with the indicator's name from the dictionary and the width of its level, so a
-- chart can take the widest level its viewer may see.
{%- set places = ['province'] %}

with

kpi_changes as (
    select * from {{ ref('kpi_changes') }}
),

dictionary as (
    select * from {{ ref('dictionary') }}
),

rollup_levels as (
    select * from {{ ref('rollup_levels') }}
),

{{ place_name_ctes(places) }}

final as (
    select
        kpi_changes.stat_month,
        {{ month_start_date('kpi_changes.stat_month') }} as month_start,
        {{ place_names('kpi_changes', places) }},
        kpi_changes.city_code,
        kpi_changes.level,
        rollup_levels.level_rank,
        kpi_changes.indicator_code,
        coalesce(dictionary.name_zh, kpi_changes.indicator_code) as indicator_name,
        kpi_changes.indicator_value,
        kpi_changes.previous_month_value,
        kpi_changes.mom_change,
        kpi_changes.mom_change_rate,
        kpi_changes.last_year_value,
        kpi_changes.yoy_change,
        kpi_changes.yoy_change_rate
    from kpi_changes
    {{ place_name_joins('kpi_changes', places) }}
    left join dictionary
        on kpi_changes.indicator_code = dictionary.indicator_code
    left join rollup_levels
        on kpi_changes.level = rollup_levels.level
)

select * from final
