-- Report: group customers by class, one row per stat_month, level ('province', 'all'),
-- province_code ('ALL' on the all level) and group_class: groups, new groups, active members,
-- revenue, member churn, BOSS class mismatches, and the class's ARPU recomputed from its summed
-- revenue and members (never an average of the groups' ARPU): fen over members x 100, in yuan.
with

group_months as (
    select * from {{ ref('group_monthly') }}
),

by_province as (
    select
        stat_month,
        province_code,
        group_class,
        count(*) as groups,
        count(case when is_new_group then 1 end) as new_groups,
        sum(active_members) as active_members,
        sum(group_revenue) as group_revenue,
        sum(member_churn) as member_churn,
        count(case when is_class_mismatch then 1 end) as class_mismatches
    from group_months
    group by stat_month, province_code, group_class
),

levels as (
    select
        'province' as level,
        by_province.*
    from by_province
    union all
    select
        'all' as level,
        stat_month,
        'ALL' as province_code,
        group_class,
        sum(groups) as groups,
        sum(new_groups) as new_groups,
        sum(active_members) as active_members,
        sum(group_revenue) as group_revenue,
        sum(member_churn) as member_churn,
        sum(class_mismatches) as class_mismatches
    from by_province
    group by stat_month, group_class
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(level as {{ dbt.type_string() }}) as level,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(group_class as {{ dbt.type_string() }}) as group_class,
        cast(groups as {{ dbt.type_bigint() }}) as groups,
        cast(new_groups as {{ dbt.type_bigint() }}) as new_groups,
        cast(active_members as {{ dbt.type_bigint() }}) as active_members,
        cast(group_revenue as decimal(18, 2)) as group_revenue,
        {{ divide_exact(
            'cast(group_revenue * 100 as ' ~ dbt.type_bigint() ~ ')', 'active_members * 100', scale=2
        ) }} as group_arpu,
        cast(member_churn as {{ dbt.type_bigint() }}) as member_churn,
        cast(class_mismatches as {{ dbt.type_bigint() }}) as class_mismatches
    from levels
)

select * from final
