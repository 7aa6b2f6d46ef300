-- A failing row is a city x brand x month with at least 100 billed users whose ARPU lies outside
-- 1-1000 yuan: possible (a city of VIPs), implausible, worth a look before the managers see it.
-- Smaller cells are not judged: two 全球通 VIPs legitimately average more.
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
        billed_users,
        arpu
    from kpi
    where
        billed_users >= 100
        and (arpu < 1 or arpu > 1000)
)

select * from final
