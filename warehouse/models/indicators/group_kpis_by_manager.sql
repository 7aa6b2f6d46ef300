-- Dashboard: one row per stat_month, province_code, manager_id (客户经理) and computed group_class:
-- groups, active members, new groups, group revenue, ARPU and member churn of the groups managed.
with

group_months as (
    select * from {{ ref('fct_group_months') }}
),

summed as (
    select
        stat_month,
        province_code,
        coalesce(manager_id, 'UNKNOWN') as manager_id,
        group_class,
        count(*) as groups,
        sum(active_members) as active_members,
        count(case when is_new_group then 1 end) as new_groups,
        sum(group_revenue_fen) as group_revenue_fen,
        sum(member_churn) as member_churn,
        count(case when is_class_mismatch then 1 end) as class_mismatches
    from group_months
    group by stat_month, province_code, coalesce(manager_id, 'UNKNOWN'), group_class
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        cast(group_class as {{ dbt.type_string() }}) as group_class,
        cast(groups as {{ dbt.type_bigint() }}) as groups,
        cast(active_members as {{ dbt.type_bigint() }}) as active_members,
        cast(new_groups as {{ dbt.type_bigint() }}) as new_groups,
        {{ fen_to_yuan('group_revenue_fen') }} as group_revenue,
        {{ divide_exact('group_revenue_fen', 'active_members * 100', scale=2) }} as group_arpu,
        cast(member_churn as {{ dbt.type_bigint() }}) as member_churn,
        cast(class_mismatches as {{ dbt.type_bigint() }}) as class_mismatches
    from summed
)

select * from final
