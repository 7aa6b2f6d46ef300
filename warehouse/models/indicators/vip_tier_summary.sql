-- Report: one row per stat_month, level ('province', 'all'), province_code ('ALL' on the all
-- level) of kpi_monthly_rollup and VIP tier of the seed (the tiers with a threshold: not NONE or
-- CHURNED): the level's users of the tier in user_value_monthly, their billed revenue and the
-- average of their avg_revenue_6m (2 decimals, half away from zero; NULL without users).
with

user_values as (
    select * from {{ ref('user_value_monthly') }}
),

rollup as (
    select * from {{ ref('kpi_monthly_rollup') }}
),

vip_tiers as (
    select * from {{ ref('vip_tiers') }}
    where min_avg_revenue_fen is not null
),

levels as (
    select
        'province' as level,
        stat_month,
        province_code,
        vip_tier,
        count(*) as vip_users,
        sum(billed_revenue) as billed_revenue,
        sum(cast(avg_revenue_6m * 100 as {{ dbt.type_bigint() }})) as avg_revenue_6m_fen
    from user_values
    where vip_tier is not null
    group by stat_month, province_code, vip_tier
    union all
    select
        'all' as level,
        stat_month,
        'ALL' as province_code,
        vip_tier,
        count(*) as vip_users,
        sum(billed_revenue) as billed_revenue,
        sum(cast(avg_revenue_6m * 100 as {{ dbt.type_bigint() }})) as avg_revenue_6m_fen
    from user_values
    where vip_tier is not null
    group by stat_month, vip_tier
),

level_months as (
    select distinct
        level,
        stat_month,
        province_code
    from rollup
    where level in ('province', 'all')
),

final as (
    select
        cast(level_months.stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(level_months.level as {{ dbt.type_string() }}) as level,
        cast(level_months.province_code as {{ dbt.type_string() }}) as province_code,
        cast(vip_tiers.vip_tier as {{ dbt.type_string() }}) as vip_tier,
        cast(coalesce(levels.vip_users, 0) as {{ dbt.type_bigint() }}) as vip_users,
        cast(case when levels.vip_tier is null then 0 else levels.billed_revenue end as decimal(18, 2)) as billed_revenue,
        {{ divide_exact('levels.avg_revenue_6m_fen', 'levels.vip_users * 100', scale=2) }} as avg_revenue_6m
    from level_months
    cross join vip_tiers
    left join levels
        on
            level_months.level = levels.level
            and level_months.stat_month = levels.stat_month
            and level_months.province_code = levels.province_code
            and vip_tiers.vip_tier = levels.vip_tier
)

select * from final
