-- traffic_by_hour with the province name and the hour as the axis shows it (08时).
{%- set places = ['province'] %}

with

traffic_by_hour as (
    select * from {{ ref('traffic_by_hour') }}
),

{{ place_name_ctes(places) }}

final as (
    select
        traffic_by_hour.stat_month,
        {{ place_names('traffic_by_hour', places) }},
        traffic_by_hour.hour_of_day,
        {{ dbt.concat(["lpad(cast(traffic_by_hour.hour_of_day as " ~ dbt.type_string() ~ "), 2, '0')", "'时'"]) }} as hour_label,
        traffic_by_hour.calls,
        traffic_by_hour.voice_minutes,
        traffic_by_hour.billed_minutes
    from traffic_by_hour
    {{ place_name_joins('traffic_by_hour', places) }}
)

select * from final
