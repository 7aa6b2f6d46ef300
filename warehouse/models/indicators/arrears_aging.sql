-- Dashboard: one row per stat_month, province_code and aging bucket (0-1, 1-3, 3-6, 6+ months):
-- arrears at month end split by the age of the unpaid bills (oldest bills settled first).
with

account_months as (
    select * from {{ ref('fct_account_months') }}
),

bucketed as (
    select
        province_code,
        stat_month,
        '0-1' as aging_bucket,
        1 as bucket_order,
        arrears_0_1_months_fen as arrears_fen
    from account_months
    union all
    select
        province_code,
        stat_month,
        '1-3' as aging_bucket,
        2 as bucket_order,
        arrears_1_3_months_fen as arrears_fen
    from account_months
    union all
    select
        province_code,
        stat_month,
        '3-6' as aging_bucket,
        3 as bucket_order,
        arrears_3_6_months_fen as arrears_fen
    from account_months
    union all
    select
        province_code,
        stat_month,
        '6+' as aging_bucket,
        4 as bucket_order,
        arrears_6_plus_months_fen as arrears_fen
    from account_months
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
