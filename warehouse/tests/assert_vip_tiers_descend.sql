-- A failing row is a VIP tier whose threshold is not below the threshold of the tier before it
-- (by tier_order): int_user_months_valued gives each tier the range up to the next tier's
-- threshold, which is the highest tier reached only while the thresholds descend.
with

vip_tiers as (
    select * from {{ ref('vip_tiers') }}
),

ordered as (
    select
        vip_tier,
        min_avg_revenue_fen,
        lag(min_avg_revenue_fen) over (order by tier_order) as higher_tier_min_avg_revenue_fen
    from vip_tiers
    where min_avg_revenue_fen is not null
),

final as (
    select
        vip_tier,
        min_avg_revenue_fen,
        higher_tier_min_avg_revenue_fen
    from ordered
    where min_avg_revenue_fen >= higher_tier_min_avg_revenue_fen
)

select * from final
