-- One row per province, user and month in which the user has anything (snapshot row, event, bill
-- or usage), attributed to the city and brand of the user's state at M; revenue, usage, status,
-- tenure, VIP tier and group membership of the month.
with

user_months as (
    select * from {{ ref('int_user_months_attributed') }}
),

billed_months as (
    select * from {{ ref('int_user_months_billed') }}
),

evented_months as (
    select * from {{ ref('int_user_months_evented') }}
),

valued_months as (
    select * from {{ ref('int_user_months_valued') }}
),

reentries as (
    select * from {{ ref('int_reentries_identified') }}
),

user_day_usage as (
    select * from {{ ref('fct_user_day_usage') }}
),

active_members as (
    select * from {{ ref('int_group_members_active') }}
),

usage_months as (
    select
        province_code,
        user_id,
        usage_month as stat_month,
        sum(calls) as calls,
        sum(voice_seconds) as voice_seconds,
        sum(billed_tenth_minutes) as billed_tenth_minutes,
        sum(offnet_seconds) as offnet_seconds,
        sum(roam_out_seconds) as roam_out_seconds,
        sum(sms_sent) as sms_sent,
        sum(data_kb) as data_kb,
        count(*) as active_days
    from user_day_usage
    group by province_code, user_id, usage_month
),

reentry_months as (
    select
        province_code,
        user_id,
        stat_month,
        max(case when is_reentry then 1 else 0 end) = 1 as is_reentry
    from reentries
    group by province_code, user_id, stat_month
),

membership_months as (
    select
        province_code,
        user_id,
        stat_month,
        count(distinct group_id) as group_count
    from active_members
    group by province_code, user_id, stat_month
),

final as (
    select
        user_months.province_code,
        user_months.user_id,
        user_months.stat_month,
        user_months.city_code,
        user_months.brand,
        user_months.cust_id,
        user_months.plan_id,
        user_months.pay_mode,
        user_months.channel_id,
        user_months.open_date,
        user_months.user_status,
        user_months.state_month,
        user_months.is_in_snapshot,
        user_months.is_on_net,
        case
            when user_months.open_date is not null
                then {{ month_index('user_months.stat_month') }} - {{ month_index(month_of('user_months.open_date')) }}
        end as tenure_months,
        coalesce(evented_months.has_open, false) as is_new,
        coalesce(evented_months.has_cancel, false) as is_churned,
        coalesce(evented_months.has_precancel, false) as is_precancelled,
        coalesce(reentry_months.is_reentry, false) and coalesce(evented_months.has_open, false) as is_reentry,
        coalesce(billed_months.is_billed, false) as is_billed,
        coalesce(billed_months.billed_revenue_fen, 0) as billed_revenue_fen,
        coalesce(billed_months.late_fee_fen, 0) as late_fee_fen,
        coalesce(billed_months.paying_account_count, 0) as paying_account_count,
        cast(coalesce(usage_months.calls, 0) as {{ dbt.type_bigint() }}) as calls,
        cast(coalesce(usage_months.voice_seconds, 0) as {{ dbt.type_bigint() }}) as voice_seconds,
        cast(coalesce(usage_months.billed_tenth_minutes, 0) as {{ dbt.type_bigint() }}) as billed_tenth_minutes,
        cast(coalesce(usage_months.offnet_seconds, 0) as {{ dbt.type_bigint() }}) as offnet_seconds,
        cast(coalesce(usage_months.roam_out_seconds, 0) as {{ dbt.type_bigint() }}) as roam_out_seconds,
        cast(coalesce(usage_months.sms_sent, 0) as {{ dbt.type_bigint() }}) as sms_sent,
        cast(coalesce(usage_months.data_kb, 0) as {{ dbt.type_bigint() }}) as data_kb,
        coalesce(usage_months.active_days, 0) as active_days,
        valued_months.window_months as vip_window_months,
        valued_months.window_revenue_fen as vip_window_revenue_fen,
        valued_months.avg_revenue_6m,
        valued_months.vip_tier,
        coalesce(membership_months.group_count, 0) > 0 as is_group_member,
        coalesce(membership_months.group_count, 0) as group_count
    from user_months
    left join billed_months
        on
            user_months.province_code = billed_months.province_code
            and user_months.user_id = billed_months.user_id
            and user_months.stat_month = billed_months.stat_month
    left join evented_months
        on
            user_months.province_code = evented_months.province_code
            and user_months.user_id = evented_months.user_id
            and user_months.stat_month = evented_months.stat_month
    left join reentry_months
        on
            user_months.province_code = reentry_months.province_code
            and user_months.user_id = reentry_months.user_id
            and user_months.stat_month = reentry_months.stat_month
    left join usage_months
        on
            user_months.province_code = usage_months.province_code
            and user_months.user_id = usage_months.user_id
            and user_months.stat_month = usage_months.stat_month
    left join valued_months
        on
            user_months.province_code = valued_months.province_code
            and user_months.user_id = valued_months.user_id
            and user_months.stat_month = valued_months.stat_month
    left join membership_months
        on
            user_months.province_code = membership_months.province_code
            and user_months.user_id = membership_months.user_id
            and user_months.stat_month = membership_months.stat_month
)

select * from final
