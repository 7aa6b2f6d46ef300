-- arrears_aging with the names of its province and age bucket.
with

arrears_aging as (
    select * from {{ ref('arrears_aging') }}
),

provinces as (
    select * from {{ ref('province_names') }}
),

aging_buckets as (
    select * from {{ ref('aging_buckets') }}
),

final as (
    select
        arrears_aging.stat_month,
        arrears_aging.province_code,
        {{ label_or_code('provinces.province_name_zh', 'arrears_aging.province_code') }} as province_name,
        arrears_aging.aging_bucket,
        arrears_aging.bucket_order,
        {{ label_or_code('aging_buckets.aging_bucket_name_zh', 'arrears_aging.aging_bucket') }} as aging_name,
        arrears_aging.arrears,
        arrears_aging.accounts
    from arrears_aging
    left join provinces
        on arrears_aging.province_code = provinces.province_code
    left join aging_buckets
        on arrears_aging.aging_bucket = aging_buckets.aging_bucket
)

select * from final
