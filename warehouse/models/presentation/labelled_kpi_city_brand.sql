-- kpi_monthly as the dashboards show it: province, city and brand names beside the codes.
with

kpi_monthly as (
    select * from {{ ref('kpi_monthly') }}
),

provinces as (
    select * from {{ ref('province_names') }}
),

cities as (
    select * from {{ ref('city_names') }}
),

brands as (
    select * from {{ ref('brands') }}
),

final as (
    select
        kpi_monthly.stat_month,
        {{ month_start_date('kpi_monthly.stat_month') }} as month_start,
        kpi_monthly.province_code,
        {{ label_or_code('provinces.province_name_zh', 'kpi_monthly.province_code') }} as province_name,
        kpi_monthly.city_code,
        {{ label_or_code('cities.city_name_zh', 'kpi_monthly.city_code') }} as city_name,
        kpi_monthly.brand,
        {{ label_or_code('brands.brand_name_zh', 'kpi_monthly.brand') }} as brand_name,
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
    left join provinces
        on kpi_monthly.province_code = provinces.province_code
    left join cities
        on {{ without_leading_zeros('kpi_monthly.city_code') }} = cities.city_key
    left join brands
        on kpi_monthly.brand = brands.brand
)

select * from final
