-- Dashboard: one row per stat_month, province_code and aging bucket (0-1, 1-3, 3-6, 6+ months):
-- arrears at month end split by the age of the unpaid bills (oldest bills settled first).
with

account_months as (
    select * from {{ ref('fct_account_months') }}
),

aging_buckets as (
    select * from {{ ref('aging_buckets') }}
),

bucketed as (
    -- every account-month once per bucket of the seed, with the arrears fct_account_months ages so
    select
        account_months.province_code,
        account_months.stat_month,
        aging_buckets.aging_bucket,
        aging_buckets.bucket_order,
        case aging_buckets.aging_bucket
            when '0-1' then account_months.arrears_0_1_months_fen
            when '1-3' then account_months.arrears_1_3_months_fen
            when '3-6' then account_months.arrears_3_6_months_fen
            when '6+' then account_months.arrears_6_plus_months_fen
        end as arrears_fen
    from account_months
    cross join aging_buckets
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(aging_bucket as {{ dbt.type_string() }}) as aging_bucket,
        cast(bucket_order as integer) as bucket_order,
        {{ fen_to_yuan('sum(arrears_fen)') }} as arrears,
        cast(count(case when arrears_fen > 0 then 1 end) as {{ dbt.type_bigint() }}) as accounts
    from bucketed
    group by stat_month, province_code, aging_bucket, bucket_order
)

select * from final
