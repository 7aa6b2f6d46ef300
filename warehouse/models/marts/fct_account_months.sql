-- One row per province, account and month from the account's first bill or payment month to the
-- province's last month: billed and paid in the month, cumulative balances, arrears and their
-- aging. Payments settle the oldest bills first, so the part of the arrears older than k months is
-- min(arrears, max(0, bills up to M-k - all payments up to M)).
with

bill_items as (
    select * from {{ ref('stg_boss__bill_items') }}
),

payments as (
    select * from {{ ref('stg_boss__payments') }}
),

province_months as (
    select * from {{ ref('int_province_months') }}
),

billed as (
    select
        province_code,
        acct_id,
        bill_month as stat_month,
        sum(actual_fee_fen) as billed_fen,
        sum(case when not is_late_fee then actual_fee_fen else 0 end) as billed_revenue_fen,
        sum(case when is_late_fee then actual_fee_fen else 0 end) as late_fee_fen
    from bill_items
    where acct_id is not null
    group by province_code, acct_id, bill_month
),

paid as (
    select
        province_code,
        acct_id,
        pay_month as stat_month,
        sum(case when not is_writeoff then amount_fen else 0 end) as collected_fen,
        sum(case when is_writeoff then amount_fen else 0 end) as written_off_fen,
        sum(case when not is_writeoff and amount_fen < 0 then amount_fen else 0 end) as reversed_fen,
        sum(amount_fen) as settled_fen
    from payments
    where acct_id is not null
    group by province_code, acct_id, pay_month
),

activity as (
    select
        province_code,
        acct_id,
        stat_month
    from billed
    union all
    select
        province_code,
        acct_id,
        stat_month
    from paid
),

account_starts as (
    select
        province_code,
        acct_id,
        min(stat_month) as first_month
    from activity
    group by province_code, acct_id
),

spined as (
    select
        account_starts.province_code,
        account_starts.acct_id,
        province_months.stat_month,
        province_months.month_index
    from account_starts
    inner join province_months
        on
            account_starts.province_code = province_months.province_code
            and account_starts.first_month <= province_months.stat_month
),

monthly as (
    select
        spined.province_code,
        spined.acct_id,
        spined.stat_month,
        spined.month_index,
        coalesce(billed.billed_fen, 0) as billed_fen,
        coalesce(billed.billed_revenue_fen, 0) as billed_revenue_fen,
        coalesce(billed.late_fee_fen, 0) as late_fee_fen,
        coalesce(paid.collected_fen, 0) as collected_fen,
        coalesce(paid.written_off_fen, 0) as written_off_fen,
        coalesce(paid.reversed_fen, 0) as reversed_fen,
        coalesce(paid.settled_fen, 0) as settled_fen
    from spined
    left join billed
        on
            spined.province_code = billed.province_code
            and spined.acct_id = billed.acct_id
            and spined.stat_month = billed.stat_month
    left join paid
        on
            spined.province_code = paid.province_code
            and spined.acct_id = paid.acct_id
            and spined.stat_month = paid.stat_month
),

accumulated as (
    select
        *,
        sum(billed_fen) over (
            partition by province_code, acct_id order by month_index
            rows between unbounded preceding and current row
        ) as cumulative_billed_fen,
        sum(settled_fen) over (
            partition by province_code, acct_id order by month_index
            rows between unbounded preceding and current row
        ) as cumulative_settled_fen
    from monthly
),

lagged as (
    select
        *,
        coalesce(lag(cumulative_billed_fen, 1) over (
            partition by province_code, acct_id order by month_index
        ), 0) as billed_to_1_month_ago_fen,
        coalesce(lag(cumulative_billed_fen, 3) over (
            partition by province_code, acct_id order by month_index
        ), 0) as billed_to_3_months_ago_fen,
        coalesce(lag(cumulative_billed_fen, 6) over (
            partition by province_code, acct_id order by month_index
        ), 0) as billed_to_6_months_ago_fen,
        greatest(cumulative_billed_fen - cumulative_settled_fen, 0) as arrears_fen
    from accumulated
),

aged as (
    select
        *,
        least(arrears_fen, greatest(billed_to_1_month_ago_fen - cumulative_settled_fen, 0)) as arrears_older_1_month_fen,
        least(arrears_fen, greatest(billed_to_3_months_ago_fen - cumulative_settled_fen, 0)) as arrears_older_3_months_fen,
        least(arrears_fen, greatest(billed_to_6_months_ago_fen - cumulative_settled_fen, 0)) as arrears_older_6_months_fen
    from lagged
),

final as (
    select
        province_code,
        acct_id,
        stat_month,
        cast(billed_fen as {{ dbt.type_bigint() }}) as billed_fen,
        cast(billed_revenue_fen as {{ dbt.type_bigint() }}) as billed_revenue_fen,
        cast(late_fee_fen as {{ dbt.type_bigint() }}) as late_fee_fen,
        cast(collected_fen as {{ dbt.type_bigint() }}) as collected_fen,
        cast(reversed_fen as {{ dbt.type_bigint() }}) as reversed_fen,
        cast(written_off_fen as {{ dbt.type_bigint() }}) as written_off_fen,
        cast(cumulative_billed_fen as {{ dbt.type_bigint() }}) as cumulative_billed_fen,
        cast(cumulative_settled_fen as {{ dbt.type_bigint() }}) as cumulative_settled_fen,
        cast(arrears_fen as {{ dbt.type_bigint() }}) as arrears_fen,
        cast(arrears_fen - arrears_older_1_month_fen as {{ dbt.type_bigint() }}) as arrears_0_1_months_fen,
        cast(arrears_older_1_month_fen - arrears_older_3_months_fen as {{ dbt.type_bigint() }}) as arrears_1_3_months_fen,
        cast(arrears_older_3_months_fen - arrears_older_6_months_fen as {{ dbt.type_bigint() }}) as arrears_3_6_months_fen,
        cast(arrears_older_6_months_fen as {{ dbt.type_bigint() }}) as arrears_6_plus_months_fen,
        cast(arrears_older_3_months_fen as {{ dbt.type_bigint() }}) as doubtful_debt_fen
    from aged
)

select * from final
