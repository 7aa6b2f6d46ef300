-- One row per province, month, group and user that is an active member at the end of the month:
-- a GMEMBER row of the month's snapshot with join_date <= end of M, leave_date empty or after the
-- end of M, and the user not CANCEL at M (USER snapshot of M, or the latest earlier one).
with

group_members as (
    select * from {{ ref('stg_boss__group_members') }}
),

user_history as (
    select * from {{ ref('hist_users') }}
),

qualified as (
    select
        group_members.province_code,
        group_members.snapshot_month as stat_month,
        group_members.group_id,
        group_members.user_id,
        min(group_members.join_date) as join_date,
        max(case when group_members.is_paid_by_group then 1 else 0 end) = 1 as is_paid_by_group
    from group_members
    left join user_history
        on
            group_members.province_code = user_history.province_code
            and group_members.user_id = user_history.user_id
            and {{ valid_in_month('user_history', 'group_members.snapshot_month') }}
    where
        group_members.join_date < {{ next_month_start_date('group_members.snapshot_month') }}
        and (
            group_members.leave_date is null
            or group_members.leave_date >= {{ next_month_start_date('group_members.snapshot_month') }}
        )
        and coalesce(user_history.user_status, '') != 'CANCEL'
    group by
        group_members.province_code,
        group_members.snapshot_month,
        group_members.group_id,
        group_members.user_id
),

final as (
    select * from qualified
)

select * from final
