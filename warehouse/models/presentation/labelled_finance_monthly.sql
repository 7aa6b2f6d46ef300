-- finance_monthly with the province name.
{%- set places = ['province'] %}

with

finance_monthly as (
    select * from {{ ref('finance_monthly') }}
),

{{ place_name_ctes(places) }}

final as (
    select
        finance_monthly.stat_month,
        {{ month_start_date('finance_monthly.stat_month') }} as month_start,
        {{ place_names('finance_monthly', places) }},
        finance_monthly.collected,
        finance_monthly.bad_debt,
        finance_monthly.arrears,
        finance_monthly.doubtful_debt,
        finance_monthly.reversed,
        finance_monthly.billed_total,
        finance_monthly.accounts_in_arrears
    from finance_monthly
    {{ place_name_joins('finance_monthly', places) }}
)

select * from final
