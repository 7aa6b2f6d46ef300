-- kpi_monthly as the dashboards show it: province, city and brand names beside the codes.
{%- set places = ['province', 'city', 'brand'] %}

with

kpi_monthly as (
    select * from {{ ref('kpi_monthly') }}
),

{{ place_name_ctes(places) }}

final as (
    select
        kpi_monthly.stat_month,
        {{ month_start_date('kpi_monthly.stat_month') }} as month_start,
        {{ place_names('kpi_monthly', places) }},
        kpi_monthly.users_on_net,
        kpi_monthly.new_users,
        kpi_monthly.churned_users,
        kpi_monthly.net_adds,
        kpi_monthly.churn_rate,
        kpi_monthly.precancel_users,
        kpi_monthly.reentry_users,
        kpi_monthly.billed_users,
        kpi_monthly.billed_revenue,
        kpi_monthly.late_fee_revenue,
        kpi_monthly.arpu,
        kpi_monthly.calls,
        kpi_monthly.voice_minutes,
        kpi_monthly.billed_minutes,
        kpi_monthly.mou,
        kpi_monthly.offnet_minutes,
        kpi_monthly.roam_out_minutes,
        kpi_monthly.sms_sent,
        kpi_monthly.data_mb,
        kpi_monthly.dou
    from kpi_monthly
    {{ place_name_joins('kpi_monthly', places) }}
)

select * from final
