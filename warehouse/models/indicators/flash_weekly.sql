-- Weekly flash: one row per week_end, level ('province', 'all'), province_code ('ALL' on the all
-- level) and indicator, for every day within 13 days after a day of flash_daily: the indicator
-- over the week ending that day (week_end - 6 .. week_end) and over the week before, the change
-- and the change rate (change / |last week|, 6 decimals half away from zero, NULL when last week
-- is 0). A day without a flash_daily row counts 0. Active users do not add up over a week: their
-- indicator is avg_active_users, the daily average (2 decimals, half away from zero); net_opens
-- is opens minus cancels.
{%- set sums = ['opens', 'cancels', 'calls', 'voice_minutes', 'sms_sent', 'data_mb', 'collected'] %}

with

days as (
    select * from {{ ref('flash_daily') }}
),

days_before_end as (
    {%- for days_before in range(14) %}
    select {{ days_before }} as days_before
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

spread as (
    -- each day counted in the weeks of the 14 week ends from that day on
    select
        cast({{ dbt.dateadd('day', 'days_before_end.days_before', 'days.flash_date') }} as date) as week_end,
        days.level,
        days.province_code,
        days_before_end.days_before < 7 as is_this_week,
        days.active_users,
        {%- for measure in sums %}
        days.{{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from days
    cross join days_before_end
),

weeks as (
    select
        week_end,
        level,
        province_code,
        {%- for measure in ['active_users'] + sums %}
        sum(case when is_this_week then {{ measure }} else 0 end) as {{ measure }}_this_week,
        sum(case when is_this_week then 0 else {{ measure }} end) as {{ measure }}_last_week{% if not loop.last %},{% endif %}
        {%- endfor %}
    from spread
    group by week_end, level, province_code
),

indicators as (
    -- one type for every branch, or the union would take the first branch's 2 decimals
    select
        week_end,
        level,
        province_code,
        'avg_active_users' as indicator_code,
        cast({{ divide_exact('active_users_this_week', 7, scale=2) }} as decimal(18, 4)) as this_week,
        cast({{ divide_exact('active_users_last_week', 7, scale=2) }} as decimal(18, 4)) as last_week
    from weeks
    {%- for measure in sums %}
    union all
    select
        week_end,
        level,
        province_code,
        '{{ measure }}' as indicator_code,
        cast({{ measure }}_this_week as decimal(18, 4)) as this_week,
        cast({{ measure }}_last_week as decimal(18, 4)) as last_week
    from weeks
    {%- endfor %}
    union all
    select
        week_end,
        level,
        province_code,
        'net_opens' as indicator_code,
        cast(opens_this_week - cancels_this_week as decimal(18, 4)) as this_week,
        cast(opens_last_week - cancels_last_week as decimal(18, 4)) as last_week
    from weeks
),

final as (
    -- the values have at most 4 decimals: in ten-thousandths they are integers that divide exactly
    select
        cast(week_end as date) as week_end,
        cast(level as {{ dbt.type_string() }}) as level,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        this_week,
        last_week,
        cast(this_week - last_week as decimal(18, 4)) as wow_change,
        {{ divide_exact(
            'cast((this_week - last_week) * 10000 as ' ~ dbt.type_bigint() ~ ')',
            'abs(cast(last_week * 10000 as ' ~ dbt.type_bigint() ~ '))',
            scale=6
        ) }} as wow_change_rate
    from indicators
)

select * from final
