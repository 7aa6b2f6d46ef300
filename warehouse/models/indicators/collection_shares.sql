-- Report: collections by payment channel with each channel's share, one row per stat_month,
-- level ('province', 'all'), province_code ('ALL' on the all level) and pay_channel. The share
-- is the channel's collected over the level's collected of the month (NULL when that is 0).
with

channels as (
    select * from {{ ref('collections_by_channel') }}
),

levels as (
    select
        'province' as level,
        stat_month,
        province_code,
        pay_channel,
        pay_channel_name_zh,
        pay_channel_name_en,
        collected,
        payment_count
    from channels
    union all
    select
        'all' as level,
        stat_month,
        'ALL' as province_code,
        pay_channel,
        max(pay_channel_name_zh) as pay_channel_name_zh,
        max(pay_channel_name_en) as pay_channel_name_en,
        sum(collected) as collected,
        sum(payment_count) as payment_count
    from channels
    group by stat_month, pay_channel
),

shared as (
    select
        *,
        sum(collected) over (partition by level, province_code, stat_month) as level_collected
    from levels
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(level as {{ dbt.type_string() }}) as level,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(pay_channel as {{ dbt.type_string() }}) as pay_channel,
        cast(pay_channel_name_zh as {{ dbt.type_string() }}) as pay_channel_name_zh,
        cast(pay_channel_name_en as {{ dbt.type_string() }}) as pay_channel_name_en,
        cast(collected as decimal(18, 2)) as collected,
        cast(payment_count as {{ dbt.type_bigint() }}) as payment_count,
        {{ divide_exact(
            'cast(collected * 100 as ' ~ dbt.type_bigint() ~ ')',
            'cast(level_collected * 100 as ' ~ dbt.type_bigint() ~ ')',
            scale=6
        ) }} as collected_share
    from shared
)

select * from final
