-- Published: one row per stat_month, province_code and group_id of the GROUP snapshot of the
-- month: computed and BOSS class, active members, new-group flag, revenue (each BILL row once),
-- ARPU, member churn and penetration.
with

group_months as (
    select * from {{ ref('fct_group_months') }}
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(group_id as {{ dbt.type_string() }}) as group_id,
        cast(group_class as {{ dbt.type_string() }}) as group_class,
        cast(boss_group_class as {{ dbt.type_string() }}) as boss_group_class,
        cast(active_members as {{ dbt.type_bigint() }}) as active_members,
        is_new_group,
        {{ fen_to_yuan('group_revenue_fen') }} as group_revenue,
        {{ divide_exact('group_revenue_fen', 'active_members * 100', scale=2) }} as group_arpu,
        cast(member_churn as {{ dbt.type_bigint() }}) as member_churn,
        {{ divide_exact('active_members', 'employee_count', scale=6) }} as member_penetration,
        is_class_mismatch,
        cast(group_name as {{ dbt.type_string() }}) as group_name,
        cast(industry_code as {{ dbt.type_string() }}) as industry_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        cast(employee_count as {{ dbt.type_bigint() }}) as employee_count
    from group_months
)

select * from final
