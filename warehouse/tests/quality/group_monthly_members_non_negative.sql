-- A failing row is a group-month with a negative count of active members or member churn.
with

groups_monthly as (
    select * from {{ ref('group_monthly') }}
),

final as (
    select
        stat_month,
        province_code,
        group_id,
        active_members,
        member_churn
    from groups_monthly
    where active_members < 0 or member_churn < 0
)

select * from final
