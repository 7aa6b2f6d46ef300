-- One row per OPEN event, flagged as a re-entry (弃卡重入网) when the opening customer's cert_no
-- belongs to a user with a CANCEL event within the {{ var('reentry_window_days') }} days before
-- the OPEN. Customers and their cert_no are taken as of the month of each event (the snapshot of
-- that month, or the latest earlier one; for a user in no snapshot yet, its first one). The latest
-- such cancellation is kept as evidence.
with

events as (
    select * from {{ ref('stg_boss__events') }}
),

user_history as (
    select * from {{ ref('hist_users') }}
),

customer_history as (
    select * from {{ ref('hist_customers') }}
),

first_user_versions as (
    -- a user opened too late for the snapshot of the month takes the customer of its first one
    select
        province_code,
        user_id,
        cust_id
    from user_history
    where version_number = 1
),

events_with_cert as (
    select
        events.province_code,
        events.event_id,
        events.user_id,
        events.event_type,
        events.event_time,
        events.event_month,
        customer_history.cert_no
    from events
    left join user_history
        on
            events.province_code = user_history.province_code
            and events.user_id = user_history.user_id
            and {{ valid_in_month('user_history', 'events.event_month') }}
    left join first_user_versions
        on
            events.province_code = first_user_versions.province_code
            and events.user_id = first_user_versions.user_id
    left join customer_history
        on
            events.province_code = customer_history.province_code
            and coalesce(user_history.cust_id, first_user_versions.cust_id) = customer_history.cust_id
            and {{ valid_in_month('customer_history', 'events.event_month') }}
    where events.event_type in ('OPEN', 'CANCEL')
),

opens as (
    select * from events_with_cert
    where event_type = 'OPEN'
),

cancels as (
    select * from events_with_cert
    where event_type = 'CANCEL' and cert_no is not null
),

matched as (
    select
        opens.province_code,
        opens.event_id,
        cancels.province_code as cancelled_province_code,
        cancels.user_id as cancelled_user_id,
        cancels.event_time as cancelled_at,
        row_number() over (
            partition by opens.province_code, opens.event_id
            order by cancels.event_time desc, cancels.province_code asc, cancels.user_id asc
        ) as match_rank
    from opens
    inner join cancels
        on
            opens.cert_no = cancels.cert_no
            and opens.event_time >= cancels.event_time
            and {{ dbt.dateadd('day', '-' ~ var('reentry_window_days'), 'opens.event_time') }} <= cancels.event_time
),

final as (
    select
        opens.province_code,
        opens.event_id,
        opens.user_id,
        opens.event_month as stat_month,
        opens.event_time as opened_at,
        opens.cert_no,
        matched.event_id is not null as is_reentry,
        matched.cancelled_province_code,
        matched.cancelled_user_id,
        matched.cancelled_at,
        {{ dbt.datediff('matched.cancelled_at', 'opens.event_time', 'day') }} as days_since_cancel
    from opens
    left join matched
        on
            opens.province_code = matched.province_code
            and opens.event_id = matched.event_id
            and matched.match_rank = 1
)

select * from final
