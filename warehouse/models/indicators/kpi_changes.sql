-- Report and dashboard: one row per stat_month, level (city, province, all), province_code,
-- city_code and key indicator: the value, last month's and the same month last year's, and the
-- changes (MoM, YoY). Levels and 'ALL' keys as in kpi_monthly_rollup; the finance indicators exist
-- per province only. City rows let a city's analyst, who sees only its city, read its own changes.
-- Values of different units share one DECIMAL(18,6) column; the unit is in indicators.dictionary.
with

kpi_rollup as (
    select * from {{ ref('kpi_monthly_rollup') }}
),

finance as (
    select * from {{ ref('finance_monthly') }}
),

{%- set kpi_indicators = [
    'users_on_net', 'new_users', 'churned_users', 'net_adds', 'churn_rate', 'billed_users',
    'billed_revenue', 'arpu', 'voice_minutes', 'mou', 'data_mb', 'dou', 'sms_sent',
] %}
{%- set finance_indicators = ['collected', 'bad_debt', 'arrears', 'doubtful_debt'] %}

unpivoted as (
    {%- for indicator in kpi_indicators %}
    select
        level,
        stat_month,
        province_code,
        city_code,
        '{{ indicator }}' as indicator_code,
        cast({{ indicator }} as decimal(18, 6)) as indicator_value
    from kpi_rollup
    union all
    {%- endfor %}
    {%- for indicator in finance_indicators %}
    select
        'province' as level,
        stat_month,
        province_code,
        'ALL' as city_code,
        '{{ indicator }}' as indicator_code,
        cast({{ indicator }} as decimal(18, 6)) as indicator_value
    from finance
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

compared as (
    select
        unpivoted.level,
        unpivoted.stat_month,
        unpivoted.province_code,
        unpivoted.city_code,
        unpivoted.indicator_code,
        unpivoted.indicator_value,
        previous_month.indicator_value as previous_month_value,
        last_year.indicator_value as last_year_value
    from unpivoted
    left join unpivoted as previous_month
        on
            unpivoted.level = previous_month.level
            and unpivoted.province_code = previous_month.province_code
            and unpivoted.city_code = previous_month.city_code
            and unpivoted.indicator_code = previous_month.indicator_code
            and {{ month_add('unpivoted.stat_month', -1) }} = previous_month.stat_month
    left join unpivoted as last_year
        on
            unpivoted.level = last_year.level
            and unpivoted.province_code = last_year.province_code
            and unpivoted.city_code = last_year.city_code
            and unpivoted.indicator_code = last_year.indicator_code
            and {{ month_add('unpivoted.stat_month', -12) }} = last_year.stat_month
),

scaled as (
    -- values in millionths as integers, so that the change rates divide exactly
    select
        *,
        cast(cast(indicator_value as decimal(38, 6)) * 1000000 as {{ dbt.type_bigint() }}) as value_micros,
        cast(cast(previous_month_value as decimal(38, 6)) * 1000000 as {{ dbt.type_bigint() }}) as previous_month_micros,
        cast(cast(last_year_value as decimal(38, 6)) * 1000000 as {{ dbt.type_bigint() }}) as last_year_micros
    from compared
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(level as {{ dbt.type_string() }}) as level,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        indicator_value,
        previous_month_value,
        cast(indicator_value - previous_month_value as decimal(18, 6)) as mom_change,
        {{ divide_exact('value_micros - previous_month_micros', 'abs(previous_month_micros)', scale=6) }} as mom_change_rate,
        last_year_value,
        cast(indicator_value - last_year_value as decimal(18, 6)) as yoy_change,
        {{ divide_exact('value_micros - last_year_micros', 'abs(last_year_micros)', scale=6) }} as yoy_change_rate
    from scaled
)

select * from final
