-- traffic_by_hour with the province name and the hour as the axis shows it (08时).
with

traffic_by_hour as (
    select * from {{ ref('traffic_by_hour') }}
),

provinces as (
    select * from {{ ref('province_names') }}
),

final as (
    select
        traffic_by_hour.stat_month,
        traffic_by_hour.province_code,
        {{ label_or_code('provinces.province_name_zh', 'traffic_by_hour.province_code') }} as province_name,
        traffic_by_hour.hour_of_day,
        {{ dbt.concat(["lpad(cast(traffic_by_hour.hour_of_day as " ~ dbt.type_string() ~ "), 2, '0')", "'时'"]) }} as hour_label,
        traffic_by_hour.calls,
        traffic_by_hour.voice_minutes,
        traffic_by_hour.billed_minutes
    from traffic_by_hour
    left join provinces
        on traffic_by_hour.province_code = provinces.province_code
)

select * from final
