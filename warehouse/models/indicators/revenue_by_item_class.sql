-- Dashboard: one row per stat_month, province_code, city_code, brand and item_class: billed
-- amount (LATEFEE shown as its own class, never in revenue), BILL rows and users billed.
with

bill_items as (
    select * from {{ ref('fct_bill_items') }}
),

final as (
    select
        cast(bill_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(brand as {{ dbt.type_string() }}) as brand,
        cast(coalesce(item_class, 'UNKNOWN') as {{ dbt.type_string() }}) as item_class,
        cast(max(item_class_name_zh) as {{ dbt.type_string() }}) as item_class_name_zh,
        cast(max(item_class_name_en) as {{ dbt.type_string() }}) as item_class_name_en,
        {{ fen_to_yuan('sum(actual_fee_fen)') }} as billed_amount,
        {{ fen_to_yuan('sum(discount_fen)') }} as discount_amount,
        cast(count(*) as {{ dbt.type_bigint() }}) as bill_rows,
        cast(count(distinct user_id) as {{ dbt.type_bigint() }}) as billed_users
    from bill_items
    where bill_month is not null
    group by bill_month, province_code, city_code, brand, coalesce(item_class, 'UNKNOWN')
)

select * from final
