-- Dashboard: one row per stat_month, province_code and hour of day (0-23) with any voice record:
-- calls, voice and billed minutes by the hour the call started (busy-hour profile), summed from
-- the incremental daily parts.
with

voice_hours as (
    select * from {{ ref('fct_voice_hour_usage') }}
),

final as (
    select
        cast(usage_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        start_hour as hour_of_day,
        cast(sum(calls) as {{ dbt.type_bigint() }}) as calls,
        {{ seconds_to_minutes('sum(call_seconds)') }} as voice_minutes,
        {{ tenths_to_minutes('sum(billed_tenth_minutes)') }} as billed_minutes
    from voice_hours
    group by usage_month, province_code, start_hour
)

select * from final
