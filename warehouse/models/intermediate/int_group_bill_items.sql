-- One row per province, month, group and BILL row (acct_id, user_id, item_code) that counts
-- toward the group's revenue: a non-LATEFEE row of bill month M whose user is an active member of
-- the group at M, or whose account belongs (as of M) to the group's customer. A row matching both
-- ways, or through several member records, is still one row.
with

groups as (
    select * from {{ ref('stg_boss__groups') }}
),

active_members as (
    select * from {{ ref('int_group_members_active') }}
),

bill_items as (
    select * from {{ ref('stg_boss__bill_items') }}
),

account_history as (
    select * from {{ ref('hist_accounts') }}
),

revenue_items as (
    select * from bill_items
    where not is_late_fee
),

via_members as (
    select
        active_members.province_code,
        active_members.stat_month,
        active_members.group_id,
        revenue_items.acct_id,
        revenue_items.user_id,
        revenue_items.item_code,
        revenue_items.actual_fee_fen
    from active_members
    inner join revenue_items
        on
            active_members.province_code = revenue_items.province_code
            and active_members.stat_month = revenue_items.bill_month
            and active_members.user_id = revenue_items.user_id
),

via_accounts as (
    select
        groups.province_code,
        groups.snapshot_month as stat_month,
        groups.group_id,
        revenue_items.acct_id,
        revenue_items.user_id,
        revenue_items.item_code,
        revenue_items.actual_fee_fen
    from groups
    inner join account_history
        on
            groups.province_code = account_history.province_code
            and groups.cust_id = account_history.cust_id
            and {{ valid_in_month('account_history', 'groups.snapshot_month') }}
    inner join revenue_items
        on
            account_history.province_code = revenue_items.province_code
            and account_history.acct_id = revenue_items.acct_id
            and groups.snapshot_month = revenue_items.bill_month
),

unioned as (
    select * from via_members
    union
    select * from via_accounts
),

final as (
    select
        province_code,
        stat_month,
        group_id,
        acct_id,
        user_id,
        item_code,
        max(actual_fee_fen) as actual_fee_fen
    from unioned
    group by province_code, stat_month, group_id, acct_id, user_id, item_code
)

select * from final
