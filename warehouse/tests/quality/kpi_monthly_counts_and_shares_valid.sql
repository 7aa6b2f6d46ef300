-- A failing row is a city x brand x month of kpi_monthly with a negative count or a churn rate
-- outside [0, 1]: a count cannot be negative, so the indicator logic is wrong.
{%- set counts = [
    'users_on_net', 'new_users', 'churned_users', 'precancel_users', 'reentry_users',
    'billed_users', 'calls', 'voice_minutes', 'billed_minutes', 'offnet_minutes',
    'roam_out_minutes', 'sms_sent', 'data_mb',
] %}
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
        {%- for column in counts %}
        {{ column }},
        {%- endfor %}
        churn_rate
    from kpi
    where
        churn_rate < 0
        or churn_rate > 1
        {%- for column in counts %}
        or {{ column }} < 0
        {%- endfor %}
)

select * from final
