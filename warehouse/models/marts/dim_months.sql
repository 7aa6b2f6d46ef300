-- One row per statistics month (YYYYMM) any province has data for, with its neighbours.
with

province_months as (
    select * from {{ ref('int_province_months') }}
),

months as (
    select distinct
        stat_month,
        month_index
    from province_months
),

final as (
    select
        stat_month,
        month_index,
        cast(substring(stat_month, 1, 4) as integer) as stat_year,
        cast(substring(stat_month, 5, 2) as integer) as month_of_year,
        {{ month_start_date('stat_month') }} as month_start_date,
        {{ month_add('stat_month', -1) }} as previous_month,
        {{ month_add('stat_month', -12) }} as same_month_last_year
    from months
)

select * from final
