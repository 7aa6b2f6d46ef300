{{ scd2_from_monthly_snapshots(
    'stg_boss__group_members',
    ['group_id', 'user_id', 'join_date'],
    ['leave_date', 'is_paid_by_group'],
) }}
