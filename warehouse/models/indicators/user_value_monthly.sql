-- Published: one row per stat_month, province_code and user_id with any snapshot row, event, bill
-- or usage in the month: the average monthly billed revenue over M-5 .. M (months since open only)
-- and the VIP tier it earns.
with

user_months as (
    select * from {{ ref('fct_user_months') }}
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(avg_revenue_6m as decimal(18, 2)) as avg_revenue_6m,
        cast(vip_tier as {{ dbt.type_string() }}) as vip_tier,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(brand as {{ dbt.type_string() }}) as brand,
        cast(vip_window_months as integer) as months_averaged,
        {{ fen_to_yuan('billed_revenue_fen') }} as billed_revenue
    from user_months
)

select * from final
