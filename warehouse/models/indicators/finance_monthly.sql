-- Published: one row per stat_month and province_code (every month of the province's span):
-- collections (net of reversals), bad debt written off, arrears and doubtful debt at month end.
with

province_months as (
    select * from {{ ref('int_province_months') }}
),

account_months as (
    select * from {{ ref('fct_account_months') }}
),

summed as (
    select
        province_code,
        stat_month,
        sum(collected_fen) as collected_fen,
        sum(written_off_fen) as written_off_fen,
        sum(reversed_fen) as reversed_fen,
        sum(billed_fen) as billed_fen,
        sum(arrears_fen) as arrears_fen,
        sum(doubtful_debt_fen) as doubtful_debt_fen,
        count(case when arrears_fen > 0 then 1 end) as accounts_in_arrears
    from account_months
    group by province_code, stat_month
),

final as (
    select
        cast(province_months.stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_months.province_code as {{ dbt.type_string() }}) as province_code,
        {{ fen_to_yuan('coalesce(summed.collected_fen, 0)') }} as collected,
        {{ fen_to_yuan('coalesce(summed.written_off_fen, 0)') }} as bad_debt,
        {{ fen_to_yuan('coalesce(summed.arrears_fen, 0)') }} as arrears,
        {{ fen_to_yuan('coalesce(summed.doubtful_debt_fen, 0)') }} as doubtful_debt,
        {{ fen_to_yuan('coalesce(summed.reversed_fen, 0)') }} as reversed,
        {{ fen_to_yuan('coalesce(summed.billed_fen, 0)') }} as billed_total,
        cast(coalesce(summed.accounts_in_arrears, 0) as {{ dbt.type_bigint() }}) as accounts_in_arrears
    from province_months
    left join summed
        on
            province_months.province_code = summed.province_code
            and province_months.stat_month = summed.stat_month
)

select * from final
