-- Dashboard: one row per usage_date and province_code with any usage record: calls, minutes,
-- SMS sent, data volume and active users of the day (by each record's own time).
with

user_day_usage as (
    select * from {{ ref('fct_user_day_usage') }}
),

final as (
    select
        usage_date,
        cast(usage_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(sum(calls) as {{ dbt.type_bigint() }}) as calls,
        {{ seconds_to_minutes('sum(voice_seconds)') }} as voice_minutes,
        {{ tenths_to_minutes('sum(billed_tenth_minutes)') }} as billed_minutes,
        cast(sum(sms_sent) as {{ dbt.type_bigint() }}) as sms_sent,
        {{ kb_to_mb('sum(data_kb)') }} as data_mb,
        cast(count(distinct user_id) as {{ dbt.type_bigint() }}) as active_users
    from user_day_usage
    group by usage_date, usage_month, province_code
)

select * from final
