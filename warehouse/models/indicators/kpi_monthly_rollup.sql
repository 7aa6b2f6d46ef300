-- Published: kpi_monthly rolled up, one row per level, stat_month, province_code, city_code and
-- brand: level 'city' (all brands of a city), 'province' and 'all' (every province); rolled-up
-- keys read 'ALL'. Ratios are recomputed from summed parts; churn_rate's denominator is the level's
-- users on net of M-1 (NULL when no province of the level has a USER snapshot of M-1).
with

kpi_parts as (
    select * from {{ ref('int_kpi_parts_aggregated') }}
),

province_months as (
    select * from {{ ref('int_province_months') }}
),

previous_snapshots as (
    select
        province_code,
        {{ month_add('stat_month', 1) }} as stat_month,
        has_user_snapshot as has_previous_snapshot
    from province_months
),

previous_base as (
    -- users on net of M-1 at every level, taken from the parts of M-1 so that a city or brand
    -- without any row in M still counts in the denominator
    select
        {{ month_add('stat_month', 1) }} as stat_month,
        province_code,
        city_code,
        sum(users_on_net) as users_on_net
    from kpi_parts
    group by stat_month, province_code, city_code
),

city_level as (
    select
        'city' as level,
        kpi_parts.stat_month,
        kpi_parts.province_code,
        kpi_parts.city_code,
        'ALL' as brand,
        {{ kpi_parts_summed() }}
    from kpi_parts
    group by kpi_parts.stat_month, kpi_parts.province_code, kpi_parts.city_code
),

province_level as (
    select
        'province' as level,
        stat_month,
        province_code,
        'ALL' as city_code,
        'ALL' as brand,
        {{ kpi_parts_summed() }}
    from kpi_parts
    group by stat_month, province_code
),

all_level as (
    select
        'all' as level,
        stat_month,
        'ALL' as province_code,
        'ALL' as city_code,
        'ALL' as brand,
        {{ kpi_parts_summed() }}
    from kpi_parts
    group by stat_month
),

city_with_previous as (
    select
        city_level.*,
        case
            when previous_snapshots.has_previous_snapshot then coalesce(previous_base.users_on_net, 0)
        end as previous_users_on_net
    from city_level
    left join previous_snapshots
        on
            city_level.province_code = previous_snapshots.province_code
            and city_level.stat_month = previous_snapshots.stat_month
    left join previous_base
        on
            city_level.province_code = previous_base.province_code
            and city_level.city_code = previous_base.city_code
            and city_level.stat_month = previous_base.stat_month
),

province_previous as (
    select
        previous_snapshots.province_code,
        previous_snapshots.stat_month,
        case
            when previous_snapshots.has_previous_snapshot then coalesce(sum(previous_base.users_on_net), 0)
        end as previous_users_on_net
    from previous_snapshots
    left join previous_base
        on
            previous_snapshots.province_code = previous_base.province_code
            and previous_snapshots.stat_month = previous_base.stat_month
    group by previous_snapshots.province_code, previous_snapshots.stat_month, previous_snapshots.has_previous_snapshot
),

province_with_previous as (
    select
        province_level.*,
        province_previous.previous_users_on_net
    from province_level
    left join province_previous
        on
            province_level.province_code = province_previous.province_code
            and province_level.stat_month = province_previous.stat_month
),

all_previous as (
    select
        stat_month,
        sum(previous_users_on_net) as previous_users_on_net
    from province_previous
    group by stat_month
),

all_with_previous as (
    select
        all_level.*,
        all_previous.previous_users_on_net
    from all_level
    left join all_previous
        on all_level.stat_month = all_previous.stat_month
),

unioned as (
    select * from city_with_previous
    union all
    select * from province_with_previous
    union all
    select * from all_with_previous
),

final as (
    select
        cast(level as {{ dbt.type_string() }}) as level,
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(brand as {{ dbt.type_string() }}) as brand,
        {{ kpi_columns_from_parts() }}
    from unioned
)

select * from final
