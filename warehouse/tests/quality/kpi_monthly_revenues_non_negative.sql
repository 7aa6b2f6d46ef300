-- A failing row is a city x brand x month with negative billed or late-fee revenue: refunds and
-- adjustments can make it so, hence a warning, but it deserves a look.
with

kpi as (
    select * from {{ ref('kpi_monthly') }}
),

final as (
    select
        stat_month,
        province_code,
        city_code,
        brand,
        billed_revenue,
        late_fee_revenue
    from kpi
    where billed_revenue < 0 or late_fee_revenue < 0
)

select * from final
