-- One row per EVENT record (province, event_id), in the month of its own event_time, with the
-- user's city, brand, plan and channel as of that month and the re-entry flag of OPEN events.
with

events as (
    select * from {{ ref('stg_boss__events') }}
),

user_history as (
    select * from {{ ref('hist_users') }}
),

reentries as (
    select * from {{ ref('int_reentries_identified') }}
),

final as (
    select
        events.province_code,
        events.event_id,
        events.user_id,
        events.event_type,
        events.event_type_name_zh,
        events.event_type_name_en,
        events.event_time,
        events.event_date,
        events.event_month,
        events.data_date,
        events.channel_id,
        events.staff_id,
        events.old_value,
        events.new_value,
        coalesce(user_history.city_code, 'UNKNOWN') as city_code,
        coalesce(user_history.brand, 'UNKNOWN') as brand,
        user_history.plan_id,
        user_history.open_date,
        coalesce(reentries.is_reentry, false) as is_reentry
    from events
    left join user_history
        on
            events.province_code = user_history.province_code
            and events.user_id = user_history.user_id
            and {{ valid_in_month('user_history', 'events.event_month') }}
    left join reentries
        on
            events.province_code = reentries.province_code
            and events.event_id = reentries.event_id
)

select * from final
