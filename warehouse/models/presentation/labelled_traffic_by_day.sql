-- traffic_by_day with the province name.
with

traffic_by_day as (
    select * from {{ ref('traffic_by_day') }}
),

provinces as (
    select * from {{ ref('province_names') }}
),

final as (
    select
        traffic_by_day.usage_date,
        traffic_by_day.stat_month,
        traffic_by_day.province_code,
        {{ label_or_code('provinces.province_name_zh', 'traffic_by_day.province_code') }} as province_name,
        traffic_by_day.calls,
        traffic_by_day.voice_minutes,
        traffic_by_day.billed_minutes,
        traffic_by_day.sms_sent,
        traffic_by_day.data_mb,
        traffic_by_day.active_users
    from traffic_by_day
    left join provinces
        on traffic_by_day.province_code = provinces.province_code
)

select * from final
