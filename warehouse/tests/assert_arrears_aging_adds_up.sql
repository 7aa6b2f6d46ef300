-- A failing row is a month and province whose aging buckets do not add up to finance_monthly's
-- arrears, or whose doubtful buckets (3-6 and 6+, is_doubtful in the seed) do not add up to its
-- doubtful debt.
-- The asset check of arrears_aging in Dagster (it reads the aging buckets and finance_monthly too; it judges the aging).
{{ config(meta={'dagster': {'ref': {'name': 'arrears_aging'}}}) }}
with

finance as (
    select * from {{ ref('finance_monthly') }}
),

aging as (
    select * from {{ ref('arrears_aging') }}
),

aging_buckets as (
    select * from {{ ref('aging_buckets') }}
),

bucket_totals as (
    select
        aging.stat_month,
        aging.province_code,
        sum(aging.arrears) as arrears,
        sum(case when aging_buckets.is_doubtful then aging.arrears else 0 end) as doubtful_debt
    from aging
    inner join aging_buckets
        on aging.aging_bucket = aging_buckets.aging_bucket
    group by aging.stat_month, aging.province_code
),

final as (
    select
        finance.stat_month,
        finance.province_code,
        finance.arrears,
        bucket_totals.arrears as bucket_arrears
    from finance
    left join bucket_totals
        on
            finance.stat_month = bucket_totals.stat_month
            and finance.province_code = bucket_totals.province_code
    where
        coalesce(bucket_totals.arrears, 0) != finance.arrears
        or coalesce(bucket_totals.doubtful_debt, 0) != finance.doubtful_debt
)

select * from final
