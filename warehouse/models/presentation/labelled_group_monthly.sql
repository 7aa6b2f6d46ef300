-- group_monthly with the names of its province, city, class and industry, and its flags as
-- 0/1 counts that add up.
{%- set places = ['province', 'city'] %}

with

group_monthly as (
    select * from {{ ref('group_monthly') }}
),

{{ place_name_ctes(places) }}

group_classes as (
    select * from {{ ref('group_classes') }}
),

industries as (
    select * from {{ ref('industries') }}
),

final as (
    select
        group_monthly.stat_month,
        {{ month_start_date('group_monthly.stat_month') }} as month_start,
        {{ place_names('group_monthly', places) }},
        group_monthly.group_id,
        group_monthly.group_name,
        group_monthly.group_class,
        {{ label_or_code('group_classes.group_class_name_zh', 'group_monthly.group_class') }} as group_class_name,
        group_monthly.boss_group_class,
        group_monthly.industry_code,
        {{ label_or_code('industries.industry_name_zh', 'group_monthly.industry_code') }} as industry_name,
        group_monthly.manager_id,
        group_monthly.active_members,
        group_monthly.employee_count,
        cast(case when group_monthly.is_new_group then 1 else 0 end as integer) as new_group_count,
        cast(case when group_monthly.is_class_mismatch then 1 else 0 end as integer) as class_mismatch_count,
        group_monthly.group_revenue,
        group_monthly.group_arpu,
        group_monthly.member_churn,
        group_monthly.member_penetration
    from group_monthly
    {{ place_name_joins('group_monthly', places) }}
    left join group_classes
        on group_monthly.group_class = group_classes.group_class
    left join industries
        on group_monthly.industry_code = industries.industry_code
)

select * from final
