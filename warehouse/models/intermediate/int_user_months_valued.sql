-- One row per province, user and month with activity: the user's average monthly billed revenue
-- over M-5 .. M, counting only the months since the open_date month (a month without bill rows
-- counts as 0), and the VIP tier it earns (the vip_tiers seed: a tier from its min_avg_revenue_fen
-- up to the next tier's). Thresholds are compared in integer fen (sum >= threshold x months), so
-- "exactly 3000 yuan" is exact.
with

user_months as (
    select * from {{ ref('int_user_months_attributed') }}
),

billed_months as (
    select * from {{ ref('int_user_months_billed') }}
),

vip_tiers as (
    select * from {{ ref('vip_tiers') }}
),

tier_ranges as (
    -- tier_order runs from the highest tier down (tests/assert_vip_tiers_descend.sql)
    select
        vip_tier,
        min_avg_revenue_fen,
        lag(min_avg_revenue_fen) over (order by tier_order) as next_tier_min_avg_revenue_fen
    from vip_tiers
    where min_avg_revenue_fen is not null
),

indexed as (
    select
        province_code,
        user_id,
        stat_month,
        open_date,
        {{ month_index('stat_month') }} as month_index,
        {{ month_index(month_of('open_date')) }} as open_month_index
    from user_months
),

windowed as (
    select
        province_code,
        user_id,
        stat_month,
        open_date,
        month_index,
        greatest(
            month_index - {{ var('vip_window_months') }} + 1,
            coalesce(open_month_index, month_index - {{ var('vip_window_months') }} + 1)
        ) as window_start_index
    from indexed
),

summed as (
    select
        windowed.province_code,
        windowed.user_id,
        windowed.stat_month,
        windowed.month_index - windowed.window_start_index + 1 as window_length,
        cast(coalesce(sum(billed_months.billed_revenue_fen), 0) as {{ dbt.type_bigint() }}) as window_revenue_fen
    from windowed
    left join billed_months
        on
            windowed.province_code = billed_months.province_code
            and windowed.user_id = billed_months.user_id
            and {{ month_index('billed_months.stat_month') }} between windowed.window_start_index and windowed.month_index
    group by
        windowed.province_code,
        windowed.user_id,
        windowed.stat_month,
        windowed.month_index,
        windowed.window_start_index
),

final as (
    select
        summed.province_code,
        summed.user_id,
        summed.stat_month,
        greatest(summed.window_length, 0) as window_months,
        summed.window_revenue_fen,
        {{ divide_exact('summed.window_revenue_fen', 'greatest(summed.window_length, 0) * 100', scale=2) }} as avg_revenue_6m,
        tier_ranges.vip_tier
    from summed
    left join tier_ranges
        on
            summed.window_length > 0
            and summed.window_revenue_fen >= tier_ranges.min_avg_revenue_fen * summed.window_length
            and (
                tier_ranges.next_tier_min_avg_revenue_fen is null
                or summed.window_revenue_fen < tier_ranges.next_tier_min_avg_revenue_fen * summed.window_length
            )
)

select * from final
