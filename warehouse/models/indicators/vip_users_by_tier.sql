-- Dashboard: one row per stat_month, province_code, city_code, brand and vip_tier (DIAMOND, GOLD,
-- SILVER) with any VIP user: VIP users and their billed revenue of the month. Counted here from
-- fct_user_months (the tier user_value_monthly publishes) so that dashboards never count users.
with

user_months as (
    select * from {{ ref('fct_user_months') }}
),

summed as (
    select
        stat_month,
        province_code,
        city_code,
        brand,
        vip_tier,
        count(*) as vip_users,
        coalesce(sum(billed_revenue_fen), 0) as billed_revenue_fen
    from user_months
    where vip_tier is not null
    group by stat_month, province_code, city_code, brand, vip_tier
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(brand as {{ dbt.type_string() }}) as brand,
        cast(vip_tier as {{ dbt.type_string() }}) as vip_tier,
        cast(vip_users as {{ dbt.type_bigint() }}) as vip_users,
        {{ fen_to_yuan('billed_revenue_fen') }} as billed_revenue
    from summed
)

select * from final
