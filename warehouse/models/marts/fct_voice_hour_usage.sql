-- Incremental by day like fct_user_day_usage (see there): the busy-hour profile's daily parts, so
-- that traffic by hour of day is summed from days already counted instead of from every call record.
{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    **partitions_replaced(['province_code', 'usage_date']),
) }}

{%- set day_range = touched_day_range(this, [ref('int_voice_calls_rated')]) %}

with

voice_calls as (
    select * from {{ ref('int_voice_calls_rated') }}
    where {{ in_day_range('start_time', day_range, is_incremental()) }}
),

final as (
    select
        province_code,
        usage_date,
        usage_month,
        start_hour,
        cast(count(case when is_call then 1 end) as {{ dbt.type_bigint() }}) as calls,
        cast(sum(call_seconds) as {{ dbt.type_bigint() }}) as call_seconds,
        cast(sum(billed_tenth_minutes) as {{ dbt.type_bigint() }}) as billed_tenth_minutes,
        max(loaded_at) as last_loaded_at
    from voice_calls
    where start_time is not null
    group by province_code, usage_date, usage_month, start_hour
)

select * from final
