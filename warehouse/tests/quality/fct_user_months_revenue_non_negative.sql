-- A failing row is a user-month with negative billed revenue or late fees (refunds exceeding
-- bills): possible, worth a look.
with

user_months as (
    select * from {{ ref('fct_user_months') }}
),

final as (
    select
        province_code,
        user_id,
        stat_month,
        billed_revenue_fen,
        late_fee_fen
    from user_months
    where billed_revenue_fen < 0 or late_fee_fen < 0
)

select * from final
