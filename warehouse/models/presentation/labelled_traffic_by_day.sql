-- traffic_by_day with the province name.
{%- set places = ['province'] %}

with

traffic_by_day as (
    select * from {{ ref('traffic_by_day') }}
),

{{ place_name_ctes(places) }}

final as (
    select
        traffic_by_day.usage_date,
        traffic_by_day.stat_month,
        {{ place_names('traffic_by_day', places) }},
        traffic_by_day.calls,
        traffic_by_day.voice_minutes,
        traffic_by_day.billed_minutes,
        traffic_by_day.sms_sent,
        traffic_by_day.data_mb,
        traffic_by_day.active_users
    from traffic_by_day
    {{ place_name_joins('traffic_by_day', places) }}
)

select * from final
