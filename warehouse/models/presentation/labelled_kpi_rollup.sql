-- kpi_monthly_rollup with the names of its level, province and city ('ALL' keys show as ALL).
{%- set places = ['province', 'city'] %}

with

kpi_monthly_rollup as (
    select * from {{ ref('kpi_monthly_rollup') }}
),

rollup_levels as (
    select * from {{ ref('rollup_levels') }}
),

{{ place_name_ctes(places) }}

final as (
    select
        kpi_monthly_rollup.level,
        rollup_levels.level_name_zh as level_name,
        kpi_monthly_rollup.stat_month,
        {{ month_start_date('kpi_monthly_rollup.stat_month') }} as month_start,
        {{ place_names('kpi_monthly_rollup', places) }},
        kpi_monthly_rollup.brand,
        kpi_monthly_rollup.users_on_net,
        kpi_monthly_rollup.new_users,
        kpi_monthly_rollup.churned_users,
        kpi_monthly_rollup.net_adds,
        kpi_monthly_rollup.churn_rate,
        kpi_monthly_rollup.precancel_users,
        kpi_monthly_rollup.reentry_users,
        kpi_monthly_rollup.billed_users,
        kpi_monthly_rollup.billed_revenue,
        kpi_monthly_rollup.late_fee_revenue,
        kpi_monthly_rollup.arpu,
        kpi_monthly_rollup.calls,
        kpi_monthly_rollup.voice_minutes,
        kpi_monthly_rollup.billed_minutes,
        kpi_monthly_rollup.mou,
        kpi_monthly_rollup.offnet_minutes,
        kpi_monthly_rollup.roam_out_minutes,
        kpi_monthly_rollup.sms_sent,
        kpi_monthly_rollup.data_mb,
        kpi_monthly_rollup.dou
    from kpi_monthly_rollup
    {{ place_name_joins('kpi_monthly_rollup', places) }}
    left join rollup_levels
        on kpi_monthly_rollup.level = rollup_levels.level
)

select * from final
