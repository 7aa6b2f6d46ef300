-- Report: one row per stat_month, level ('province', 'all'), province_code ('ALL' on the all
-- level) and brand that has a kpi_monthly row in M or in M-1 on the level, for the months the level
-- has: the brand's users on net, net adds and billed revenue summed over its cities, those of M-1,
-- and the changes against M-1 (a brand without a row in a month counts 0 in that month).
with

kpi as (
    select * from {{ ref('kpi_monthly') }}
),

levels as (
    select
        'province' as level,
        stat_month,
        province_code,
        brand,
        sum(users_on_net) as users_on_net,
        sum(net_adds) as net_adds,
        sum(billed_revenue) as billed_revenue
    from kpi
    group by stat_month, province_code, brand
    union all
    select
        'all' as level,
        stat_month,
        'ALL' as province_code,
        brand,
        sum(users_on_net) as users_on_net,
        sum(net_adds) as net_adds,
        sum(billed_revenue) as billed_revenue
    from kpi
    group by stat_month, brand
),

level_months as (
    select distinct
        level,
        province_code,
        stat_month
    from levels
),

brands_of_month as (
    -- the brands of M and those of M-1, for every month M of the level
    select
        level,
        province_code,
        stat_month,
        brand
    from levels
    union
    select
        level_months.level,
        level_months.province_code,
        level_months.stat_month,
        levels.brand
    from level_months
    inner join levels
        on
            level_months.level = levels.level
            and level_months.province_code = levels.province_code
            and {{ month_add('level_months.stat_month', -1) }} = levels.stat_month
),

final as (
    select
        cast(brands_of_month.stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(brands_of_month.level as {{ dbt.type_string() }}) as level,
        cast(brands_of_month.province_code as {{ dbt.type_string() }}) as province_code,
        cast(brands_of_month.brand as {{ dbt.type_string() }}) as brand,
        cast(this_month.users_on_net as {{ dbt.type_bigint() }}) as users_on_net,
        cast(this_month.net_adds as {{ dbt.type_bigint() }}) as net_adds,
        cast(this_month.billed_revenue as decimal(18, 2)) as billed_revenue,
        cast(previous_month.users_on_net as {{ dbt.type_bigint() }}) as previous_users_on_net,
        cast(previous_month.billed_revenue as decimal(18, 2)) as previous_billed_revenue,
        cast(
            coalesce(this_month.users_on_net, 0) - coalesce(previous_month.users_on_net, 0)
            as {{ dbt.type_bigint() }}
        ) as users_on_net_change,
        cast(
            coalesce(this_month.billed_revenue, 0) - coalesce(previous_month.billed_revenue, 0)
            as decimal(18, 2)
        ) as billed_revenue_change
    from brands_of_month
    left join levels as this_month
        on
            brands_of_month.level = this_month.level
            and brands_of_month.province_code = this_month.province_code
            and brands_of_month.brand = this_month.brand
            and brands_of_month.stat_month = this_month.stat_month
    left join levels as previous_month
        on
            brands_of_month.level = previous_month.level
            and brands_of_month.province_code = previous_month.province_code
            and brands_of_month.brand = previous_month.brand
            and {{ month_add('brands_of_month.stat_month', -1) }} = previous_month.stat_month
)

select * from final
