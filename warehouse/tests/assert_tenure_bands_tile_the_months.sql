-- A failing row is a tenure band that breaks the tiling in_tenure_band() relies on, where every
-- tenure falls in exactly one band: the bounded bands, by band_order, start at 0 months, each
-- starts where the one before ends, only the last is open-ended; one band has no bounds at all
-- (the users without an open date).
with

tenure_bands as (
    select * from {{ ref('tenure_bands') }}
),

bounded as (
    select
        tenure_band,
        min_months,
        max_months,
        lag(max_months) over (order by band_order) as previous_max_months,
        row_number() over (order by band_order) as band_position,
        count(*) over () as band_count
    from tenure_bands
    where min_months is not null
),

misplaced as (
    select tenure_band
    from bounded
    where
        (band_position = 1 and min_months != 0)
        or (band_position > 1 and (previous_max_months is null or min_months != previous_max_months))
        or (band_position < band_count and max_months is null)
        or (band_position = band_count and max_months is not null)
        or max_months <= min_months
),

unbounded as (
    select count(*) as band_count
    from tenure_bands
    where min_months is null and max_months is null
),

final as (
    select tenure_band from misplaced
    union all
    select 'a band without bounds (one expected)' as tenure_band
    from unbounded
    where band_count != 1
    union all
    select tenure_band
    from tenure_bands
    where min_months is null and max_months is not null
)

select * from final
