-- A failing row is a group-month whose member penetration (members on net / employees) lies
-- outside [0, 1]: a group with more members than its declared employees, worth a look.
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
        employee_count,
        member_penetration
    from groups_monthly
    where member_penetration < 0 or member_penetration > 1
)

select * from final
