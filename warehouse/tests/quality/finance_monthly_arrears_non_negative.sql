-- A failing row is a province-month whose arrears or doubtful debt is negative, or whose
-- doubtful debt exceeds its arrears: doubtful debt is a part of the arrears.
with

finance as (
    select * from {{ ref('finance_monthly') }}
),

final as (
    select
        stat_month,
        province_code,
        arrears,
        doubtful_debt
    from finance
    where
        arrears < 0
        or doubtful_debt < 0
        or doubtful_debt > arrears
)

select * from final
