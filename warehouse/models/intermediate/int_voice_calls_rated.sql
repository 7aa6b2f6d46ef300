-- One row per voice CDR with the measures the indicators need. A call counts only when
-- duration_seconds > 0; billed time is in tenths of a minute: long distance (toll_type <> '0')
-- in 6-second units of 0.1 minute, everything else in whole minutes, each rounded up per record.
with

voice_calls as (
    select * from {{ ref('stg_boss__voice_calls') }}
),

rated as (
    select
        province_code,
        data_date,
        cdr_id,
        user_id,
        start_time,
        usage_date,
        usage_month,
        cast(extract(hour from start_time) as integer) as start_hour,
        toll_type,
        roam_type,
        other_carrier,
        coalesce(duration_seconds > 0, false) as is_call,
        case when duration_seconds > 0 then duration_seconds else 0 end as call_seconds,
        case
            when coalesce(duration_seconds, 0) <= 0 then 0
            when coalesce(toll_type, '0') != '0' then {{ int_div('duration_seconds + 5', 6) }}
            else {{ int_div('duration_seconds + 59', 60) }} * 10
        end as billed_tenth_minutes,
        coalesce(other_carrier != 'CMCC', false) as is_off_net,
        coalesce(roam_type in ('2', '3'), false) as is_roam_out,
        coalesce(base_fee_fen, 0) + coalesce(toll_fee_fen, 0) + coalesce(roam_fee_fen, 0) as call_fee_fen,
        loaded_at
    from voice_calls
),

final as (
    select * from rated
)

select * from final
