-- Report: arrears by aging bucket with the bucket's name and share, one row per stat_month,
-- level ('province', 'all'), province_code ('ALL' on the all level) and aging_bucket. The share
-- is the bucket's arrears over the level's arrears of the month (NULL when that is 0).
with

aging as (
    select * from {{ ref('arrears_aging') }}
),

buckets as (
    select * from {{ ref('aging_buckets') }}
),

levels as (
    select
        'province' as level,
        stat_month,
        province_code,
        aging_bucket,
        arrears,
        accounts
    from aging
    union all
    select
        'all' as level,
        stat_month,
        'ALL' as province_code,
        aging_bucket,
        sum(arrears) as arrears,
        sum(accounts) as accounts
    from aging
    group by stat_month, aging_bucket
),

shared as (
    select
        *,
        sum(arrears) over (partition by level, province_code, stat_month) as level_arrears
    from levels
),

final as (
    select
        cast(shared.stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(shared.level as {{ dbt.type_string() }}) as level,
        cast(shared.province_code as {{ dbt.type_string() }}) as province_code,
        cast(shared.aging_bucket as {{ dbt.type_string() }}) as aging_bucket,
        cast(buckets.aging_bucket_name_zh as {{ dbt.type_string() }}) as aging_bucket_name_zh,
        cast(buckets.aging_bucket_name_en as {{ dbt.type_string() }}) as aging_bucket_name_en,
        cast(buckets.bucket_order as integer) as bucket_order,
        cast(shared.arrears as decimal(18, 2)) as arrears,
        cast(shared.accounts as {{ dbt.type_bigint() }}) as accounts,
        {{ divide_exact(
            'cast(shared.arrears * 100 as ' ~ dbt.type_bigint() ~ ')',
            'cast(shared.level_arrears * 100 as ' ~ dbt.type_bigint() ~ ')',
            scale=6
        ) }} as arrears_share
    from shared
    left join buckets
        on shared.aging_bucket = buckets.aging_bucket
)

select * from final
