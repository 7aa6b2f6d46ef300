-- A failing row is a province-month and indicator whose kpi_monthly total differs from a direct
-- count from the lake with docs/indicators.md's definitions by more than its tolerance:
-- users_on_net, billed_users and billed_revenue (to the fen) exact; calls and sms_sent within 1 %
-- (records of users in no USER snapshot carry no city or brand and stay out of kpi_monthly; the
-- lake's unknown_users gate bounds them at 1 %).
{%- set tolerances = {
    'users_on_net': 0,
    'billed_users': 0,
    'billed_revenue_fen': 0,
    'calls': 0.01,
    'sms_sent': 0.01,
} %}
with

kpi as (
    select * from {{ ref('kpi_monthly') }}
),

lake_users as (
    select * from {{ lake_source('user') }}
),

lake_bills as (
    select * from {{ lake_source('bill') }}
),

lake_voice as (
    select * from {{ lake_source('voice') }}
),

lake_sms as (
    select * from {{ lake_source('sms') }}
),

published as (
    select
        province_code,
        stat_month,
        sum(users_on_net) as users_on_net,
        sum(billed_users) as billed_users,
        sum(billed_revenue) * 100 as billed_revenue_fen,
        sum(calls) as calls,
        sum(sms_sent) as sms_sent
    from kpi
    group by province_code, stat_month
),

users_counted as (
    select
        _province_code as province_code,
        _data_date as stat_month,
        sum(case when user_status != 'CANCEL' then 1 else 0 end) as users_on_net
    from lake_users
    group by _province_code, _data_date
),

bills_counted as (
    select
        _province_code as province_code,
        bill_month as stat_month,
        count(distinct case when item_class != 'LATEFEE' then user_id end) as billed_users,
        coalesce(sum(case when item_class != 'LATEFEE' then actual_fee_fen end), 0) as billed_revenue_fen
    from lake_bills
    group by _province_code, bill_month
),

calls_counted as (
    select
        _province_code as province_code,
        {{ month_of('start_time') }} as stat_month,
        count(*) as calls
    from lake_voice
    where duration_s > 0
    group by _province_code, {{ month_of('start_time') }}
),

sms_counted as (
    select
        _province_code as province_code,
        {{ month_of('send_time') }} as stat_month,
        count(*) as sms_sent
    from lake_sms
    where direction = 'MO'
    group by _province_code, {{ month_of('send_time') }}
),

lake_totals as (
    select
        published.province_code,
        published.stat_month,
        coalesce(users_counted.users_on_net, 0) as users_on_net,
        coalesce(bills_counted.billed_users, 0) as billed_users,
        coalesce(bills_counted.billed_revenue_fen, 0) as billed_revenue_fen,
        coalesce(calls_counted.calls, 0) as calls,
        coalesce(sms_counted.sms_sent, 0) as sms_sent
    from published
    left join users_counted
        on published.province_code = users_counted.province_code and published.stat_month = users_counted.stat_month
    left join bills_counted
        on published.province_code = bills_counted.province_code and published.stat_month = bills_counted.stat_month
    left join calls_counted
        on published.province_code = calls_counted.province_code and published.stat_month = calls_counted.stat_month
    left join sms_counted
        on published.province_code = sms_counted.province_code and published.stat_month = sms_counted.stat_month
),

compared as (
    {%- for indicator, tolerance in tolerances.items() %}
    select
        published.province_code,
        published.stat_month,
        '{{ indicator }}' as indicator,
        cast(published.{{ indicator }} as decimal(38, 4)) as published_value,
        cast(lake_totals.{{ indicator }} as decimal(38, 4)) as lake_value,
        {{ tolerance }} as tolerance
    from published
    inner join lake_totals
        on published.province_code = lake_totals.province_code and published.stat_month = lake_totals.stat_month
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        province_code,
        stat_month,
        indicator,
        published_value,
        lake_value,
        tolerance
    from compared
    where abs(coalesce(published_value, 0) - lake_value) > tolerance * abs(lake_value)
)

select * from final
