-- One row per province, user and bill month: the user's BILL rows summed over all the accounts
-- that pay for the user (split billing is still one user). Revenue excludes LATEFEE rows.
with

bill_items as (
    select * from {{ ref('stg_boss__bill_items') }}
),

final as (
    select
        province_code,
        user_id,
        bill_month as stat_month,
        cast(sum(case when not is_late_fee then actual_fee_fen else 0 end) as {{ dbt.type_bigint() }}) as billed_revenue_fen,
        cast(sum(case when is_late_fee then actual_fee_fen else 0 end) as {{ dbt.type_bigint() }}) as late_fee_fen,
        count(case when not is_late_fee then 1 end) > 0 as is_billed,
        count(*) as bill_item_count,
        count(distinct acct_id) as paying_account_count
    from bill_items
    where user_id is not null and bill_month is not null
    group by province_code, user_id, bill_month
)

select * from final
