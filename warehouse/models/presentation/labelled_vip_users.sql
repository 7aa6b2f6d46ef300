-- vip_users_by_tier with the names of its province, city, brand and tier.
{%- set places = ['province', 'city', 'brand'] %}

with

vip_users_by_tier as (
    select * from {{ ref('vip_users_by_tier') }}
),

{{ place_name_ctes(places) }}

vip_tiers as (
    select * from {{ ref('vip_tiers') }}
),

final as (
    select
        vip_users_by_tier.stat_month,
        {{ month_start_date('vip_users_by_tier.stat_month') }} as month_start,
        {{ place_names('vip_users_by_tier', places) }},
        vip_users_by_tier.vip_tier,
        {{ label_or_code('vip_tiers.vip_tier_name_zh', 'vip_users_by_tier.vip_tier') }} as vip_tier_name,
        vip_users_by_tier.vip_users,
        vip_users_by_tier.billed_revenue
    from vip_users_by_tier
    {{ place_name_joins('vip_users_by_tier', places) }}
    left join vip_tiers
        on vip_users_by_tier.vip_tier = vip_tiers.vip_tier
)

select * from final
