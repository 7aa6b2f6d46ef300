-- The re-entry list with the names of its province, city and brand.
with

reentry_list as (
    select * from {{ ref('reentry_list') }}
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

final as (
    select
        reentry_list.stat_month,
        reentry_list.province_code,
        {{ label_or_code('provinces.province_name_zh', 'reentry_list.province_code') }} as province_name,
        reentry_list.city_code,
        {{ label_or_code('cities.city_name_zh', 'reentry_list.city_code') }} as city_name,
        reentry_list.brand,
        {{ label_or_code('brands.brand_name_zh', 'reentry_list.brand') }} as brand_name,
        reentry_list.event_id,
        reentry_list.user_id,
        reentry_list.opened_at,
        reentry_list.channel_id,
        reentry_list.cancelled_user_id,
        reentry_list.cancelled_at,
        reentry_list.days_since_cancel
    from reentry_list
    left join provinces
        on reentry_list.province_code = provinces.province_code
    left join cities
        on {{ without_leading_zeros('reentry_list.city_code') }} = cities.city_key
    left join brands
        on reentry_list.brand = brands.brand
)

select * from final
