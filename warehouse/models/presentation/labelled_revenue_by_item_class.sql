-- revenue_by_item_class with the names of its province, city, brand and item class.
{%- set places = ['province', 'city', 'brand'] %}

with

revenue_by_item_class as (
    select * from {{ ref('revenue_by_item_class') }}
),

{{ place_name_ctes(places) }}

final as (
    select
        revenue_by_item_class.stat_month,
        {{ month_start_date('revenue_by_item_class.stat_month') }} as month_start,
        {{ place_names('revenue_by_item_class', places) }},
        revenue_by_item_class.item_class,
        {{ label_or_code('revenue_by_item_class.item_class_name_zh', 'revenue_by_item_class.item_class') }} as item_class_name,
        revenue_by_item_class.billed_amount,
        revenue_by_item_class.discount_amount,
        revenue_by_item_class.bill_rows,
        revenue_by_item_class.billed_users
    from revenue_by_item_class
    {{ place_name_joins('revenue_by_item_class', places) }}
)

select * from final
