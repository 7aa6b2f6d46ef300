-- Incremental by day (the one per-model config in the project). A run finds the usage days that
-- records loaded since the last run (at or after its latest load time, so a load racing the
-- previous run is not missed) fall on, and recomputes every (province, day) from the first to the
-- last of those days from all records of those days, replacing them (partitions_replaced() of
-- macros/incremental.sql: a custom strategy on DuckDB, insert_overwrite on Spark). The day range
-- is looked up first and written into the SQL as literals on the record time, so the Parquet scans skip every file outside it; the look-up
-- itself only reads files loaded since the last run. A late record lands on the day of its own time.
{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    **partitions_replaced(['province_code', 'usage_date']),
) }}

{%- set day_range = touched_day_range(
    this,
    [ref('int_voice_calls_rated'), ref('stg_boss__sms_messages'), ref('stg_boss__data_sessions')],
) %}

with

voice_calls as (
    select * from {{ ref('int_voice_calls_rated') }}
    where {{ in_day_range('start_time', day_range, is_incremental()) }}
),

sms_messages as (
    select * from {{ ref('stg_boss__sms_messages') }}
    where {{ in_day_range('send_time', day_range, is_incremental()) }}
),

data_sessions as (
    select * from {{ ref('stg_boss__data_sessions') }}
    where {{ in_day_range('start_time', day_range, is_incremental()) }}
),

voice_by_user_day as (
    select
        voice_calls.province_code,
        voice_calls.user_id,
        voice_calls.usage_date,
        count(case when voice_calls.is_call then 1 end) as calls,
        sum(voice_calls.call_seconds) as voice_seconds,
        sum(voice_calls.billed_tenth_minutes) as billed_tenth_minutes,
        sum(case when voice_calls.is_off_net then voice_calls.call_seconds else 0 end) as offnet_seconds,
        sum(case when voice_calls.is_roam_out then voice_calls.call_seconds else 0 end) as roam_out_seconds,
        sum(voice_calls.call_fee_fen) as voice_fee_fen,
        0 as sms_sent,
        0 as sms_received,
        0 as sms_fee_fen,
        0 as data_sessions,
        0 as data_kb,
        0 as data_fee_fen,
        max(voice_calls.loaded_at) as last_loaded_at
    from voice_calls
    group by voice_calls.province_code, voice_calls.user_id, voice_calls.usage_date
),

sms_by_user_day as (
    select
        sms_messages.province_code,
        sms_messages.user_id,
        sms_messages.usage_date,
        0 as calls,
        0 as voice_seconds,
        0 as billed_tenth_minutes,
        0 as offnet_seconds,
        0 as roam_out_seconds,
        0 as voice_fee_fen,
        count(case when sms_messages.direction = 'MO' then 1 end) as sms_sent,
        count(case when sms_messages.direction = 'MT' then 1 end) as sms_received,
        sum(coalesce(sms_messages.fee_fen, 0)) as sms_fee_fen,
        0 as data_sessions,
        0 as data_kb,
        0 as data_fee_fen,
        max(sms_messages.loaded_at) as last_loaded_at
    from sms_messages
    group by sms_messages.province_code, sms_messages.user_id, sms_messages.usage_date
),

data_by_user_day as (
    select
        data_sessions.province_code,
        data_sessions.user_id,
        data_sessions.usage_date,
        0 as calls,
        0 as voice_seconds,
        0 as billed_tenth_minutes,
        0 as offnet_seconds,
        0 as roam_out_seconds,
        0 as voice_fee_fen,
        0 as sms_sent,
        0 as sms_received,
        0 as sms_fee_fen,
        count(*) as data_sessions,
        sum(data_sessions.total_kb) as data_kb,
        sum(coalesce(data_sessions.fee_fen, 0)) as data_fee_fen,
        max(data_sessions.loaded_at) as last_loaded_at
    from data_sessions
    group by data_sessions.province_code, data_sessions.user_id, data_sessions.usage_date
),

unioned as (
    select * from voice_by_user_day
    union all
    select * from sms_by_user_day
    union all
    select * from data_by_user_day
),

final as (
    select
        province_code,
        user_id,
        usage_date,
        {{ month_of('usage_date') }} as usage_month,
        cast(sum(calls) as {{ dbt.type_bigint() }}) as calls,
        cast(sum(voice_seconds) as {{ dbt.type_bigint() }}) as voice_seconds,
        cast(sum(billed_tenth_minutes) as {{ dbt.type_bigint() }}) as billed_tenth_minutes,
        cast(sum(offnet_seconds) as {{ dbt.type_bigint() }}) as offnet_seconds,
        cast(sum(roam_out_seconds) as {{ dbt.type_bigint() }}) as roam_out_seconds,
        cast(sum(voice_fee_fen) as {{ dbt.type_bigint() }}) as voice_fee_fen,
        cast(sum(sms_sent) as {{ dbt.type_bigint() }}) as sms_sent,
        cast(sum(sms_received) as {{ dbt.type_bigint() }}) as sms_received,
        cast(sum(sms_fee_fen) as {{ dbt.type_bigint() }}) as sms_fee_fen,
        cast(sum(data_sessions) as {{ dbt.type_bigint() }}) as data_sessions,
        cast(sum(data_kb) as {{ dbt.type_bigint() }}) as data_kb,
        cast(sum(data_fee_fen) as {{ dbt.type_bigint() }}) as data_fee_fen,
        max(last_loaded_at) as last_loaded_at
    from unioned
    where user_id is not null and usage_date is not null
    group by province_code, user_id, usage_date
)

select * from final
