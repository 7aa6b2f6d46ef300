-- A failing row is an account-month whose arrears_fen differs from its ledger recomputed from
-- the lake, max(0, sum of BILL actual_fee_fen up to the month - sum of PAYMENT amount_fen to the
-- month's end) (level 'account'), or a province-month whose published finance_monthly.arrears
-- differs from the sum of its accounts by a fen or more (level 'province'). Both exact.
with

account_months as (
    select * from {{ ref('fct_account_months') }}
),

finance as (
    select * from {{ ref('finance_monthly') }}
),

lake_bills as (
    select * from {{ lake_source('bill') }}
),

lake_payments as (
    select * from {{ lake_source('payment') }}
),

billed as (
    select
        account_months.province_code,
        account_months.acct_id,
        account_months.stat_month,
        sum(lake_bills.actual_fee_fen) as billed_fen
    from account_months
    inner join lake_bills
        on
            account_months.province_code = lake_bills._province_code
            and account_months.acct_id = lake_bills.acct_id
            and account_months.stat_month >= lake_bills.bill_month
    group by account_months.province_code, account_months.acct_id, account_months.stat_month
),

paid as (
    select
        account_months.province_code,
        account_months.acct_id,
        account_months.stat_month,
        sum(lake_payments.amount_fen) as paid_fen
    from account_months
    inner join lake_payments
        on
            account_months.province_code = lake_payments._province_code
            and account_months.acct_id = lake_payments.acct_id
            and {{ month_of('lake_payments.pay_time') }} <= account_months.stat_month
    group by account_months.province_code, account_months.acct_id, account_months.stat_month
),

account_differences as (
    select
        'account' as level,
        account_months.province_code,
        account_months.stat_month,
        account_months.acct_id,
        greatest(coalesce(billed.billed_fen, 0) - coalesce(paid.paid_fen, 0), 0) as ledger_fen,
        account_months.arrears_fen as mart_fen
    from account_months
    left join billed
        on
            account_months.province_code = billed.province_code
            and account_months.acct_id = billed.acct_id
            and account_months.stat_month = billed.stat_month
    left join paid
        on
            account_months.province_code = paid.province_code
            and account_months.acct_id = paid.acct_id
            and account_months.stat_month = paid.stat_month
    where
        greatest(coalesce(billed.billed_fen, 0) - coalesce(paid.paid_fen, 0), 0)
        != coalesce(account_months.arrears_fen, 0)
),

province_accounts as (
    select
        province_code,
        stat_month,
        sum(arrears_fen) as accounts_fen
    from account_months
    group by province_code, stat_month
),

province_differences as (
    select
        'province' as level,
        finance.province_code,
        finance.stat_month,
        cast(null as {{ dbt.type_string() }}) as acct_id,
        coalesce(province_accounts.accounts_fen, 0) as ledger_fen,
        cast(round(coalesce(finance.arrears, 0) * 100, 0) as {{ dbt.type_bigint() }}) as mart_fen
    from finance
    left join province_accounts
        on
            finance.province_code = province_accounts.province_code
            and finance.stat_month = province_accounts.stat_month
    where abs(coalesce(finance.arrears, 0) * 100 - coalesce(province_accounts.accounts_fen, 0)) >= 0.5
),

final as (
    select * from account_differences
    union all
    select * from province_differences
)

select * from final
