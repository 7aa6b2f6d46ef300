-- A failing row is a user-month whose six-month average revenue is negative (refunds exceeding
-- bills): possible, worth a look.
with

user_value as (
    select * from {{ ref('user_value_monthly') }}
),

final as (
    select
        stat_month,
        province_code,
        user_id,
        avg_revenue_6m
    from user_value
    where avg_revenue_6m < 0
)

select * from final
