-- One row per province, user and month with activity: the user's average monthly billed revenue
-- over M-5 .. M, counting only the months since the open_date month (a month without bill rows
-- counts as 0), and the VIP tier it earns. Thresholds are compared in integer fen
-- (sum >= threshold x months), so "exactly 3000 yuan" is exact.
with

user_months as (
    select * from {{ ref('int_user_months_attributed') }}
),

billed_months as (
    select * from {{ ref('int_user_months_billed') }}
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
        windowed.month_index,
        windowed.window_start_index,
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
        province_code,
        user_id,
        stat_month,
        greatest(month_index - window_start_index + 1, 0) as window_months,
        window_revenue_fen,
        {{ divide_exact('window_revenue_fen', 'greatest(month_index - window_start_index + 1, 0) * 100', scale=2) }} as avg_revenue_6m,
        case
            when month_index < window_start_index then null
            when window_revenue_fen >= 300000 * (month_index - window_start_index + 1) then 'DIAMOND'
            when window_revenue_fen >= 150000 * (month_index - window_start_index + 1) then 'GOLD'
            when window_revenue_fen >= 66600 * (month_index - window_start_index + 1) then 'SILVER'
        end as vip_tier
    from summed
)

select * from final
