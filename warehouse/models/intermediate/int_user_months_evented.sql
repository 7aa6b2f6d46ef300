-- One row per province, user and month with lifecycle events, flagging OPEN, CANCEL and
-- PRECANCEL events whose event_time falls in the month (whatever their delivery's data date).
with

events as (
    select * from {{ ref('stg_boss__events') }}
),

final as (
    select
        province_code,
        user_id,
        event_month as stat_month,
        count(case when event_type = 'OPEN' then 1 end) > 0 as has_open,
        count(case when event_type = 'CANCEL' then 1 end) > 0 as has_cancel,
        count(case when event_type = 'PRECANCEL' then 1 end) > 0 as has_precancel,
        count(case when event_type = 'CHANGE_PLAN' then 1 end) > 0 as has_plan_change,
        count(*) as event_count
    from events
    where user_id is not null and event_month is not null
    group by province_code, user_id, event_month
)

select * from final
