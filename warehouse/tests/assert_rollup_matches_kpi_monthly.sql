-- A failing row is a rollup row (level city, province or all, month and place) that differs from
-- the sum of its kpi_monthly rows for an additive indicator, or a row found on one side only: the
-- rollup lost or double-counted a city or brand. Counts and yuan must be equal; minutes and MB are
-- rounded per row, so their sums may differ by 0.01 per summed row.
-- The asset check of kpi_monthly_rollup in Dagster (it reads kpi_monthly too; it judges the rollup).
{{ config(meta={'dagster': {'ref': {'name': 'kpi_monthly_rollup'}}}) }}
{%- set exact = [
    'users_on_net', 'new_users', 'churned_users', 'net_adds', 'precancel_users', 'reentry_users',
    'billed_users', 'billed_revenue', 'late_fee_revenue', 'calls', 'sms_sent'
] %}
{%- set rounded = ['voice_minutes', 'billed_minutes', 'offnet_minutes', 'roam_out_minutes', 'data_mb'] %}
with

kpi_monthly as (
    select * from {{ ref('kpi_monthly') }}
),

kpi_rollup as (
    select * from {{ ref('kpi_monthly_rollup') }}
    where level in ('city', 'province', 'all')
),

summed as (
    select
        case
            when grouping(city_code) = 0 then 'city'
            when grouping(province_code) = 0 then 'province'
            else 'all'
        end as level,
        stat_month,
        case when grouping(province_code) = 0 then province_code else 'ALL' end as province_code,
        case when grouping(city_code) = 0 then city_code else 'ALL' end as city_code,
        {%- for column in exact + rounded %}
        sum({{ column }}) as {{ column }},
        {%- endfor %}
        count(*) as parts
    from kpi_monthly
    group by stat_month, rollup(province_code, city_code)
),

final as (
    select
        coalesce(summed.level, kpi_rollup.level) as level,
        coalesce(summed.stat_month, kpi_rollup.stat_month) as stat_month,
        coalesce(summed.province_code, kpi_rollup.province_code) as province_code,
        coalesce(summed.city_code, kpi_rollup.city_code) as city_code
    from summed
    full join kpi_rollup
        on
            summed.level = kpi_rollup.level
            and summed.stat_month = kpi_rollup.stat_month
            and summed.province_code = kpi_rollup.province_code
            and summed.city_code = kpi_rollup.city_code
    where
        summed.level is null
        or kpi_rollup.level is null
        {%- for column in exact %}
        or summed.{{ column }} is distinct from kpi_rollup.{{ column }}
        {%- endfor %}
        {%- for column in rounded %}
        or abs(summed.{{ column }} - kpi_rollup.{{ column }}) > 0.01 * summed.parts
        {%- endfor %}
)

select * from final
