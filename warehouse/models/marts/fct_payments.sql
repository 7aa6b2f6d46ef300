-- One row per PAYMENT record (province, payment_id), in the month of its own pay_time, with the
-- account's customer as of that month. Reversals are negative; write-offs are flagged.
with

payments as (
    select * from {{ ref('stg_boss__payments') }}
),

account_history as (
    select * from {{ ref('hist_accounts') }}
),

final as (
    select
        payments.province_code,
        payments.payment_id,
        payments.acct_id,
        account_history.cust_id as acct_cust_id,
        payments.pay_time,
        payments.pay_date,
        payments.pay_month,
        payments.data_date,
        payments.amount_fen,
        payments.is_reversal,
        payments.is_writeoff,
        coalesce(payments.pay_channel, 'UNKNOWN') as pay_channel,
        payments.pay_channel_name_zh,
        payments.pay_channel_name_en,
        payments.pay_type,
        payments.pay_type_name_zh,
        payments.pay_type_name_en,
        payments.ref_payment_id,
        payments.staff_id
    from payments
    left join account_history
        on
            payments.province_code = account_history.province_code
            and payments.acct_id = account_history.acct_id
            and {{ valid_in_month('account_history', 'payments.pay_month') }}
)

select * from final
