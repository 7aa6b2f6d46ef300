-- vip_tier_movement with the names of its province, city and both tiers (CHURNED is 离网), and the
-- churned VIPs as a column of their own.
{%- set places = ['province', 'city'] %}

with

vip_tier_movement as (
    select * from {{ ref('vip_tier_movement') }}
),

{{ place_name_ctes(places) }}

vip_tiers as (
    select * from {{ ref('vip_tiers') }}
),

final as (
    select
        vip_tier_movement.stat_month,
        {{ place_names('vip_tier_movement', places) }},
        vip_tier_movement.from_tier,
        {{ label_or_code('from_tiers.vip_tier_name_zh', 'vip_tier_movement.from_tier') }} as from_tier_name,
        vip_tier_movement.to_tier,
        {{ label_or_code('to_tiers.vip_tier_name_zh', 'vip_tier_movement.to_tier') }} as to_tier_name,
        vip_tier_movement.vip_users,
        case when vip_tier_movement.to_tier = 'CHURNED' then vip_tier_movement.vip_users else 0 end as churned_users
    from vip_tier_movement
    {{ place_name_joins('vip_tier_movement', places) }}
    left join vip_tiers as from_tiers
        on vip_tier_movement.from_tier = from_tiers.vip_tier
    left join vip_tiers as to_tiers
        on vip_tier_movement.to_tier = to_tiers.vip_tier
)

select * from final
