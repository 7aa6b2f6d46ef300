-- arrears_aging with the names of its province and age bucket.
{%- set places = ['province'] %}

with

arrears_aging as (
    select * from {{ ref('arrears_aging') }}
),

{{ place_name_ctes(places) }}

aging_buckets as (
    select * from {{ ref('aging_buckets') }}
),

final as (
    select
        arrears_aging.stat_month,
        {{ place_names('arrears_aging', places) }},
        arrears_aging.aging_bucket,
        arrears_aging.bucket_order,
        {{ label_or_code('aging_buckets.aging_bucket_name_zh', 'arrears_aging.aging_bucket') }} as aging_name,
        arrears_aging.arrears,
        arrears_aging.accounts
    from arrears_aging
    {{ place_name_joins('arrears_aging', places) }}
    left join aging_buckets
        on arrears_aging.aging_bucket = aging_buckets.aging_bucket
)

select * from final
