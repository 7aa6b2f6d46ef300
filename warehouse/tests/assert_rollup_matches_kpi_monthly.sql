-- A failing row is a month and province whose province-level rollup differs from the sum of its
-- kpi_monthly rows for an additive indicator (counts, yuan, billed minutes): the rollup lost or
-- double-counted a city or brand.
with

kpi_monthly as (
    select * from {{ ref('kpi_monthly') }}
),

kpi_rollup as (
    select * from {{ ref('kpi_monthly_rollup') }}
),

summed as (
    select
        stat_month,
        province_code,
        sum(users_on_net) as users_on_net,
        sum(new_users) as new_users,
        sum(churned_users) as churned_users,
        sum(billed_users) as billed_users,
        sum(billed_revenue) as billed_revenue,
        sum(calls) as calls,
        sum(billed_minutes) as billed_minutes,
        sum(sms_sent) as sms_sent
    from kpi_monthly
    group by stat_month, province_code
),

final as (
    select
        summed.stat_month,
        summed.province_code
    from summed
    left join kpi_rollup
        on
            summed.stat_month = kpi_rollup.stat_month
            and summed.province_code = kpi_rollup.province_code
            and kpi_rollup.level = 'province'
    where
        kpi_rollup.stat_month is null
        or summed.users_on_net != kpi_rollup.users_on_net
        or summed.new_users != kpi_rollup.new_users
        or summed.churned_users != kpi_rollup.churned_users
        or summed.billed_users != kpi_rollup.billed_users
        or summed.billed_revenue != kpi_rollup.billed_revenue
        or summed.calls != kpi_rollup.calls
        or summed.billed_minutes != kpi_rollup.billed_minutes
        or summed.sms_sent != kpi_rollup.sms_sent
)

select * from final
