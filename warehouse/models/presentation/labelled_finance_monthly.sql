-- finance_monthly with the province name.
with

finance_monthly as (
    select * from {{ ref('finance_monthly') }}
),

provinces as (
    select * from {{ ref('province_names') }}
),

final as (
    select
        finance_monthly.stat_month,
        {{ month_start_date('finance_monthly.stat_month') }} as month_start,
        finance_monthly.province_code,
        {{ label_or_code('provinces.province_name_zh', 'finance_monthly.province_code') }} as province_name,
        finance_monthly.collected,
        finance_monthly.bad_debt,
        finance_monthly.arrears,
        finance_monthly.doubtful_debt,
        finance_monthly.reversed,
        finance_monthly.billed_total,
        finance_monthly.accounts_in_arrears
    from finance_monthly
    left join provinces
        on finance_monthly.province_code = provinces.province_code
)

select * from final
