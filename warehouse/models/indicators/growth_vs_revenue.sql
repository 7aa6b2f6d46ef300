-- Dashboard (增量不增收): one row per stat_month and province_code (plus province_code 'ALL'):
-- users on net and billed revenue with their change against M-1, flagging months where users grew
-- but revenue did not.
with

kpi_rollup as (
    select * from {{ ref('kpi_monthly_rollup') }}
),

levels as (
    select * from kpi_rollup
    where level in ('province', 'all')
),

compared as (
    select
        levels.stat_month,
        levels.province_code,
        levels.users_on_net,
        previous.users_on_net as previous_users_on_net,
        levels.billed_revenue,
        previous.billed_revenue as previous_billed_revenue
    from levels
    left join levels as previous
        on
            levels.province_code = previous.province_code
            and {{ month_add('levels.stat_month', -1) }} = previous.stat_month
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        users_on_net,
        previous_users_on_net,
        cast(users_on_net - previous_users_on_net as {{ dbt.type_bigint() }}) as user_growth,
        {{ divide_exact('users_on_net - previous_users_on_net', 'previous_users_on_net', scale=6) }} as user_growth_rate,
        billed_revenue,
        previous_billed_revenue,
        cast(billed_revenue - previous_billed_revenue as decimal(18, 2)) as revenue_growth,
        {{ divide_exact(
            'cast(cast(billed_revenue - previous_billed_revenue as decimal(38, 2)) * 100 as ' ~ dbt.type_bigint() ~ ')',
            'cast(cast(previous_billed_revenue as decimal(38, 2)) * 100 as ' ~ dbt.type_bigint() ~ ')',
            scale=6,
        ) }} as revenue_growth_rate,
        coalesce(users_on_net > previous_users_on_net and billed_revenue <= previous_billed_revenue, false) as is_growth_without_revenue
    from compared
)

select * from final
