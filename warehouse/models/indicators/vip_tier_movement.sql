-- Dashboard: one row per stat_month, province_code, city_code, from_tier (the user's VIP tier of
-- M-1, NONE without one) and to_tier (the tier of M, NONE without one, CHURNED for a user with a
-- CANCEL event in M): vip_users, the users who moved so (or stayed), counted over the users of M
-- (a row in fct_user_months) who are VIP at M-1 or at M. The city is the user's city of M.
with

user_months as (
    select * from {{ ref('fct_user_months') }}
),

paired as (
    select
        current_month.stat_month,
        current_month.province_code,
        current_month.city_code,
        coalesce(previous_month.vip_tier, 'NONE') as from_tier,
        case
            when current_month.is_churned then 'CHURNED'
            else coalesce(current_month.vip_tier, 'NONE')
        end as to_tier
    from user_months as current_month
    left join user_months as previous_month
        on
            current_month.province_code = previous_month.province_code
            and current_month.user_id = previous_month.user_id
            and {{ month_add('current_month.stat_month', -1) }} = previous_month.stat_month
    where current_month.vip_tier is not null or previous_month.vip_tier is not null
),

counted as (
    select
        stat_month,
        province_code,
        city_code,
        from_tier,
        to_tier,
        count(*) as vip_users
    from paired
    group by stat_month, province_code, city_code, from_tier, to_tier
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(from_tier as {{ dbt.type_string() }}) as from_tier,
        cast(to_tier as {{ dbt.type_string() }}) as to_tier,
        cast(vip_users as {{ dbt.type_bigint() }}) as vip_users
    from counted
)

select * from final
