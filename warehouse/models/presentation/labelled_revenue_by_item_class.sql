-- revenue_by_item_class with the names of its province, city, brand and item class.
with

revenue_by_item_class as (
    select * from {{ ref('revenue_by_item_class') }}
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
        revenue_by_item_class.stat_month,
        {{ month_start_date('revenue_by_item_class.stat_month') }} as month_start,
        revenue_by_item_class.province_code,
        {{ label_or_code('provinces.province_name_zh', 'revenue_by_item_class.province_code') }} as province_name,
        revenue_by_item_class.city_code,
        {{ label_or_code('cities.city_name_zh', 'revenue_by_item_class.city_code') }} as city_name,
        revenue_by_item_class.brand,
        {{ label_or_code('brands.brand_name_zh', 'revenue_by_item_class.brand') }} as brand_name,
        revenue_by_item_class.item_class,
        {{ label_or_code('revenue_by_item_class.item_class_name_zh', 'revenue_by_item_class.item_class') }} as item_class_name,
        revenue_by_item_class.billed_amount,
        revenue_by_item_class.discount_amount,
        revenue_by_item_class.bill_rows,
        revenue_by_item_class.billed_users
    from revenue_by_item_class
    left join provinces
        on revenue_by_item_class.province_code = provinces.province_code
    left join cities
        on {{ without_leading_zeros('revenue_by_item_class.city_code') }} = cities.city_key
    left join brands
        on revenue_by_item_class.brand = brands.brand
)

select * from final
