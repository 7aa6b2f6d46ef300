-- One row per province, user and month with activity, with the user's attributes as of that
-- month: the USER snapshot of the month, or for a user absent from it the latest earlier
-- snapshot (the SCD2 version valid in the month). A user never seen in a snapshot up to the month
-- gets city_code and brand 'UNKNOWN'.
with

user_months as (
    select * from {{ ref('int_user_months_keyed') }}
),

user_history as (
    select * from {{ ref('hist_users') }}
),

attributed as (
    select
        user_months.province_code,
        user_months.user_id,
        user_months.stat_month,
        user_months.is_in_snapshot,
        user_months.has_event,
        user_months.has_bill,
        user_months.has_usage,
        user_history.user_id is not null as has_known_state,
        user_history.valid_from_month as state_month,
        user_history.cust_id,
        coalesce(user_history.city_code, 'UNKNOWN') as city_code,
        coalesce(user_history.brand, 'UNKNOWN') as brand,
        user_history.plan_id,
        user_history.pay_mode,
        user_history.channel_id,
        user_history.open_date,
        user_history.user_status,
        user_months.is_in_snapshot and coalesce(user_history.user_status, '') != 'CANCEL' as is_on_net
    from user_months
    left join user_history
        on
            user_months.province_code = user_history.province_code
            and user_months.user_id = user_history.user_id
            and {{ valid_in_month('user_history', 'user_months.stat_month') }}
),

final as (
    select * from attributed
)

select * from final
