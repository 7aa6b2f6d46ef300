-- A failing row is a user-month whose usage in fct_user_months differs from the sum of its days
-- in fct_user_day_usage (or that exists on one side only): the two marts must agree exactly.
{%- set measures = [
    'calls', 'voice_seconds', 'billed_tenth_minutes', 'offnet_seconds', 'roam_out_seconds',
    'sms_sent', 'data_kb',
] %}
with

user_days as (
    select * from {{ ref('fct_user_day_usage') }}
),

user_months as (
    select * from {{ ref('fct_user_months') }}
),

summed_days as (
    select
        {%- for column in measures %}
        sum({{ column }}) as {{ column }},
        {%- endfor %}
        province_code,
        user_id,
        usage_month as stat_month
    from user_days
    group by province_code, user_id, usage_month
),

final as (
    select
        coalesce(summed_days.province_code, user_months.province_code) as province_code,
        coalesce(summed_days.user_id, user_months.user_id) as user_id,
        coalesce(summed_days.stat_month, user_months.stat_month) as stat_month,
        {%- for column in measures %}
        summed_days.{{ column }} as day_{{ column }},
        user_months.{{ column }} as month_{{ column }},
        {%- endfor %}
        case
            when summed_days.user_id is null then 'month only'
            when user_months.user_id is null then 'days only'
            else 'both'
        end as found_in
    from summed_days
    full outer join user_months
        on
            summed_days.province_code = user_months.province_code
            and summed_days.user_id = user_months.user_id
            and summed_days.stat_month = user_months.stat_month
    where
        1 = 0
        {%- for column in measures %}
        or coalesce(summed_days.{{ column }}, 0) != coalesce(user_months.{{ column }}, 0)
        {%- endfor %}
)

select * from final
