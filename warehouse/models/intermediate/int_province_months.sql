-- Every month of every province from the first month any extract mentions to the last one:
-- the spine that cumulative measures (arrears) and "M-1" comparisons walk along.
with

users as (
    select * from {{ ref('stg_boss__users') }}
),

bill_items as (
    select * from {{ ref('stg_boss__bill_items') }}
),

events as (
    select * from {{ ref('stg_boss__events') }}
),

payments as (
    select * from {{ ref('stg_boss__payments') }}
),

-- usage months from the incremental daily fact, not from every record ever loaded
usage_days as (
    select * from {{ ref('fct_user_day_usage') }}
),

observed_months as (
    select
        province_code,
        snapshot_month as stat_month
    from users
    union all
    select
        province_code,
        bill_month as stat_month
    from bill_items
    union all
    select
        province_code,
        event_month as stat_month
    from events
    union all
    select
        province_code,
        pay_month as stat_month
    from payments
    union all
    select
        province_code,
        usage_month as stat_month
    from usage_days
),

province_ranges as (
    select
        province_code,
        min({{ month_index('stat_month') }}) as first_month_index,
        max({{ month_index('stat_month') }}) as last_month_index
    from observed_months
    where stat_month is not null
    group by province_code
),

digits as (
    select 0 as digit
    union all
    select 1 as digit
    union all
    select 2 as digit
    union all
    select 3 as digit
    union all
    select 4 as digit
    union all
    select 5 as digit
    union all
    select 6 as digit
    union all
    select 7 as digit
    union all
    select 8 as digit
    union all
    select 9 as digit
),

offsets as (
    select hundreds.digit * 100 + tens.digit * 10 + units.digit as month_offset
    from digits as hundreds
    cross join digits as tens
    cross join digits as units
),

spined as (
    select
        province_ranges.province_code,
        province_ranges.first_month_index + offsets.month_offset as month_index
    from province_ranges
    inner join offsets
        on province_ranges.first_month_index + offsets.month_offset <= province_ranges.last_month_index
),

user_snapshot_months as (
    select distinct
        province_code,
        snapshot_month
    from users
),

final as (
    select
        spined.province_code,
        {{ month_from_index('spined.month_index') }} as stat_month,
        spined.month_index,
        user_snapshot_months.snapshot_month is not null as has_user_snapshot
    from spined
    left join user_snapshot_months
        on
            spined.province_code = user_snapshot_months.province_code
            and {{ month_from_index('spined.month_index') }} = user_snapshot_months.snapshot_month
)

select * from final
