-- One row per month, province, city_code and brand with any subscriber, event, bill or usage:
-- the additive parts of every KPI (counts, fen, seconds, tenths of a minute, KB) plus users on
-- net of M-1 for the same city and brand (NULL when the province has no USER snapshot of M-1).
with

user_months as (
    select * from {{ ref('fct_user_months') }}
),

province_months as (
    select * from {{ ref('int_province_months') }}
),

parts as (
    select
        user_months.stat_month,
        user_months.province_code,
        user_months.city_code,
        user_months.brand,
        {{ kpi_parts_of_user_month('user_months') }}
    from user_months
),

summed as (
    select
        stat_month,
        province_code,
        city_code,
        brand,
        {{ kpi_parts_summed() }}
    from parts
    group by stat_month, province_code, city_code, brand
),

with_previous as (
    select
        summed.*,
        previous_months.has_user_snapshot as has_previous_snapshot,
        case
            when previous_months.has_user_snapshot then coalesce(previous_summed.users_on_net, 0)
        end as previous_users_on_net
    from summed
    left join province_months as previous_months
        on
            summed.province_code = previous_months.province_code
            and {{ month_add('summed.stat_month', -1) }} = previous_months.stat_month
    left join summed as previous_summed
        on
            summed.province_code = previous_summed.province_code
            and summed.city_code = previous_summed.city_code
            and summed.brand = previous_summed.brand
            and {{ month_add('summed.stat_month', -1) }} = previous_summed.stat_month
),

final as (
    select
        stat_month,
        province_code,
        city_code,
        brand,
        cast(users_on_net as {{ dbt.type_bigint() }}) as users_on_net,
        cast(new_users as {{ dbt.type_bigint() }}) as new_users,
        cast(churned_users as {{ dbt.type_bigint() }}) as churned_users,
        cast(precancel_users as {{ dbt.type_bigint() }}) as precancel_users,
        cast(reentry_users as {{ dbt.type_bigint() }}) as reentry_users,
        cast(billed_users as {{ dbt.type_bigint() }}) as billed_users,
        cast(billed_revenue_fen as {{ dbt.type_bigint() }}) as billed_revenue_fen,
        cast(late_fee_fen as {{ dbt.type_bigint() }}) as late_fee_fen,
        cast(calls as {{ dbt.type_bigint() }}) as calls,
        cast(voice_seconds as {{ dbt.type_bigint() }}) as voice_seconds,
        cast(billed_tenth_minutes as {{ dbt.type_bigint() }}) as billed_tenth_minutes,
        cast(offnet_seconds as {{ dbt.type_bigint() }}) as offnet_seconds,
        cast(roam_out_seconds as {{ dbt.type_bigint() }}) as roam_out_seconds,
        cast(sms_sent as {{ dbt.type_bigint() }}) as sms_sent,
        cast(data_kb as {{ dbt.type_bigint() }}) as data_kb,
        coalesce(has_previous_snapshot, false) as has_previous_snapshot,
        cast(previous_users_on_net as {{ dbt.type_bigint() }}) as previous_users_on_net
    from with_previous
)

select * from final
