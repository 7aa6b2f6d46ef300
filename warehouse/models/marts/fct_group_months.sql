-- One row per province, month and group of the GROUP snapshot of the month: active members,
-- revenue (each BILL row once), member churn, and the group class computed by the published rule
-- next to the class BOSS holds.
with

groups as (
    select * from {{ ref('stg_boss__groups') }}
),

industries as (
    select * from {{ ref('industries') }}
),

active_members as (
    select * from {{ ref('int_group_members_active') }}
),

group_bill_items as (
    select * from {{ ref('int_group_bill_items') }}
),

events as (
    select * from {{ ref('stg_boss__events') }}
),

member_counts as (
    select
        province_code,
        stat_month,
        group_id,
        count(distinct user_id) as active_members,
        count(distinct case when is_paid_by_group then user_id end) as group_paid_members
    from active_members
    group by province_code, stat_month, group_id
),

revenue as (
    select
        province_code,
        stat_month,
        group_id,
        cast(sum(actual_fee_fen) as {{ dbt.type_bigint() }}) as group_revenue_fen,
        count(*) as bill_item_count
    from group_bill_items
    group by province_code, stat_month, group_id
),

cancels as (
    select distinct
        province_code,
        user_id,
        event_month
    from events
    where event_type = 'CANCEL'
),

-- members of M-1 who cancelled in M, counted per group first and only then matched to the groups
-- of M: joining the groups to every cancellation of the month first made 347 million rows on a
-- province of a million users
churned_members as (
    select
        previous_members.province_code,
        cancels.event_month as stat_month,
        previous_members.group_id,
        count(distinct previous_members.user_id) as member_churn
    from active_members as previous_members
    inner join cancels
        on
            previous_members.province_code = cancels.province_code
            and previous_members.user_id = cancels.user_id
            and {{ month_add('previous_members.stat_month', 1) }} = cancels.event_month
    group by previous_members.province_code, cancels.event_month, previous_members.group_id
),

combined as (
    select
        groups.province_code,
        groups.snapshot_month as stat_month,
        groups.group_id,
        groups.cust_id,
        groups.group_name,
        groups.industry_code,
        groups.city_code,
        groups.manager_id,
        groups.employee_count,
        groups.is_top500_taxpayer,
        groups.is_cross_province,
        groups.sign_date,
        groups.boss_group_class,
        industries.class_by_industry,
        coalesce(member_counts.active_members, 0) as active_members,
        coalesce(member_counts.group_paid_members, 0) as group_paid_members,
        coalesce(revenue.group_revenue_fen, 0) as group_revenue_fen,
        coalesce(revenue.bill_item_count, 0) as group_bill_item_count,
        coalesce(churned_members.member_churn, 0) as member_churn,
        coalesce({{ month_of('groups.sign_date') }} = groups.snapshot_month, false) as is_new_group
    from groups
    left join industries
        on groups.industry_code = industries.industry_code
    left join member_counts
        on
            groups.province_code = member_counts.province_code
            and groups.snapshot_month = member_counts.stat_month
            and groups.group_id = member_counts.group_id
    left join revenue
        on
            groups.province_code = revenue.province_code
            and groups.snapshot_month = revenue.stat_month
            and groups.group_id = revenue.group_id
    left join churned_members
        on
            groups.province_code = churned_members.province_code
            and groups.snapshot_month = churned_members.stat_month
            and groups.group_id = churned_members.group_id
),

classified as (
    select
        *,
        case
            when active_members >= 500 or class_by_industry = 'A' or is_top500_taxpayer then 'A'
            when active_members >= 100 or class_by_industry = 'B' then 'B'
            else 'C'
        end as group_class
    from combined
),

final as (
    select
        province_code,
        stat_month,
        group_id,
        cust_id,
        group_name,
        industry_code,
        city_code,
        manager_id,
        employee_count,
        is_top500_taxpayer,
        is_cross_province,
        sign_date,
        group_class,
        boss_group_class,
        coalesce(boss_group_class != group_class, true) as is_class_mismatch,
        active_members,
        group_paid_members,
        is_new_group,
        group_revenue_fen,
        group_bill_item_count,
        member_churn
    from classified
)

select * from final
