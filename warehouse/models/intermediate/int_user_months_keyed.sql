-- One row per province, user and month in which the user has anything: a row in the USER
-- snapshot of the month, a lifecycle event, a bill row or a usage record (by its own time).
with

users as (
    select * from {{ ref('stg_boss__users') }}
),

events as (
    select * from {{ ref('stg_boss__events') }}
),

bill_items as (
    select * from {{ ref('stg_boss__bill_items') }}
),

user_day_usage as (
    select * from {{ ref('fct_user_day_usage') }}
),

activity as (
    select
        province_code,
        user_id,
        snapshot_month as stat_month,
        1 as in_snapshot,
        0 as has_event,
        0 as has_bill,
        0 as has_usage
    from users
    union all
    select
        province_code,
        user_id,
        event_month as stat_month,
        0 as in_snapshot,
        1 as has_event,
        0 as has_bill,
        0 as has_usage
    from events
    union all
    select
        province_code,
        user_id,
        bill_month as stat_month,
        0 as in_snapshot,
        0 as has_event,
        1 as has_bill,
        0 as has_usage
    from bill_items
    union all
    select
        province_code,
        user_id,
        usage_month as stat_month,
        0 as in_snapshot,
        0 as has_event,
        0 as has_bill,
        1 as has_usage
    from user_day_usage
),

final as (
    select
        province_code,
        user_id,
        stat_month,
        max(in_snapshot) = 1 as is_in_snapshot,
        max(has_event) = 1 as has_event,
        max(has_bill) = 1 as has_bill,
        max(has_usage) = 1 as has_usage
    from activity
    where user_id is not null and stat_month is not null
    group by province_code, user_id, stat_month
)

select * from final
