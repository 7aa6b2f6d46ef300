-- A failing row is a user-month with negative usage or active days outside 0-31: usage is a sum
-- of durations and counts, so the mart's logic is wrong.
{%- set measures = [
    'calls', 'voice_seconds', 'billed_tenth_minutes', 'offnet_seconds', 'roam_out_seconds',
    'sms_sent', 'data_kb',
] %}
with

user_months as (
    select * from {{ ref('fct_user_months') }}
),

final as (
    select
        province_code,
        user_id,
        stat_month,
        {%- for column in measures %}
        {{ column }},
        {%- endfor %}
        active_days
    from user_months
    where
        active_days < 0
        or active_days > 31
        {%- for column in measures %}
        or {{ column }} < 0
        {%- endfor %}
)

select * from final
