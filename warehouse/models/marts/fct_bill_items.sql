-- One row per BILL row (province, bill month, account, user, item code), with the paying
-- account's customer and the user's city and brand as of the bill month.
with

bill_items as (
    select * from {{ ref('stg_boss__bill_items') }}
),

account_history as (
    select * from {{ ref('hist_accounts') }}
),

user_history as (
    select * from {{ ref('hist_users') }}
),

final as (
    select
        bill_items.province_code,
        bill_items.bill_month,
        bill_items.acct_id,
        bill_items.user_id,
        bill_items.item_code,
        bill_items.item_class,
        bill_items.item_class_name_zh,
        bill_items.item_class_name_en,
        bill_items.is_late_fee,
        account_history.cust_id as acct_cust_id,
        coalesce(user_history.city_code, 'UNKNOWN') as city_code,
        coalesce(user_history.brand, 'UNKNOWN') as brand,
        bill_items.standard_fee_fen,
        bill_items.discount_fen,
        bill_items.actual_fee_fen
    from bill_items
    left join account_history
        on
            bill_items.province_code = account_history.province_code
            and bill_items.acct_id = account_history.acct_id
            and {{ valid_in_month('account_history', 'bill_items.bill_month') }}
    left join user_history
        on
            bill_items.province_code = user_history.province_code
            and bill_items.user_id = user_history.user_id
            and {{ valid_in_month('user_history', 'bill_items.bill_month') }}
    where bill_items.bill_month is not null
)

select * from final
