-- vip_users_by_tier with the names of its province, city, brand and tier.
with

vip_users_by_tier as (
    select * from {{ ref('vip_users_by_tier') }}
),

provinces as (
    select * from {{ ref('province_names') }}
),

cities as (
    select * from {{ ref('city_names') }}
),

brands as (
    select * from {{ ref('brands') }}
),

vip_tiers as (
    select * from {{ ref('vip_tiers') }}
),

final as (
    select
        vip_users_by_tier.stat_month,
        {{ month_start_date('vip_users_by_tier.stat_month') }} as month_start,
        vip_users_by_tier.province_code,
        {{ label_or_code('provinces.province_name_zh', 'vip_users_by_tier.province_code') }} as province_name,
        vip_users_by_tier.city_code,
        {{ label_or_code('cities.city_name_zh', 'vip_users_by_tier.city_code') }} as city_name,
        vip_users_by_tier.brand,
        {{ label_or_code('brands.brand_name_zh', 'vip_users_by_tier.brand') }} as brand_name,
        vip_users_by_tier.vip_tier,
        {{ label_or_code('vip_tiers.vip_tier_name_zh', 'vip_users_by_tier.vip_tier') }} as vip_tier_name,
        vip_users_by_tier.vip_users,
        vip_users_by_tier.billed_revenue
    from vip_users_by_tier
    left join provinces
        on vip_users_by_tier.province_code = provinces.province_code
    left join cities
        on {{ without_leading_zeros('vip_users_by_tier.city_code') }} = cities.city_key
    left join brands
        on vip_users_by_tier.brand = brands.brand
    left join vip_tiers
        on vip_users_by_tier.vip_tier = vip_tiers.vip_tier
)

select * from final
