-- Report: one row per stat_month, level ('province', 'all'), province_code ('ALL' on the all
-- level) and city_code with any re-entry in reentry_list: the re-entries, their average days since
-- the cancel (2 decimals, half away from zero) and the shortest. On the all level a city code is
-- one row however many provinces have it.
with

reentries as (
    select * from {{ ref('reentry_list') }}
),

levels as (
    select
        'province' as level,
        stat_month,
        province_code,
        city_code,
        count(*) as reentry_users,
        sum(days_since_cancel) as days_since_cancel,
        count(days_since_cancel) as days_counted,
        min(days_since_cancel) as min_days_since_cancel
    from reentries
    group by stat_month, province_code, city_code
    union all
    select
        'all' as level,
        stat_month,
        'ALL' as province_code,
        city_code,
        count(*) as reentry_users,
        sum(days_since_cancel) as days_since_cancel,
        count(days_since_cancel) as days_counted,
        min(days_since_cancel) as min_days_since_cancel
    from reentries
    group by stat_month, city_code
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(level as {{ dbt.type_string() }}) as level,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(reentry_users as {{ dbt.type_bigint() }}) as reentry_users,
        {{ divide_exact('days_since_cancel', 'days_counted', scale=2) }} as avg_days_since_cancel,
        cast(min_days_since_cancel as {{ dbt.type_bigint() }}) as min_days_since_cancel
    from levels
)

select * from final
