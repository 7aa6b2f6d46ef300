-- group_kpis_by_manager with the names of its province and group class.
{%- set places = ['province'] %}

with

group_kpis_by_manager as (
    select * from {{ ref('group_kpis_by_manager') }}
),

{{ place_name_ctes(places) }}

group_classes as (
    select * from {{ ref('group_classes') }}
),

final as (
    select
        group_kpis_by_manager.stat_month,
        {{ place_names('group_kpis_by_manager', places) }},
        group_kpis_by_manager.manager_id,
        group_kpis_by_manager.group_class,
        {{ label_or_code('group_classes.group_class_name_zh', 'group_kpis_by_manager.group_class') }} as group_class_name,
        group_kpis_by_manager.groups,
        group_kpis_by_manager.active_members,
        group_kpis_by_manager.new_groups,
        group_kpis_by_manager.group_revenue,
        group_kpis_by_manager.member_churn
    from group_kpis_by_manager
    {{ place_name_joins('group_kpis_by_manager', places) }}
    left join group_classes
        on group_kpis_by_manager.group_class = group_classes.group_class
)

select * from final
