-- Published: year to date (本年累计) and year on year (同比) of the headline indicators; one row
-- per stat_month x province_code x city_code ('ALL' = the province) x indicator_code. Flows are
-- summed over January .. M, stocks taken at M, ratios recomputed from the year-to-date parts
-- (docs/indicators.md, "Year to date and targets"); the finance indicators exist on the province
-- row only. Values of different units share one DECIMAL(24,6) column; the unit is in
-- indicators.dictionary. yoy: value / the value of M-12 - 1, NULL without a row for M-12.
{%- set indicators = {
    'users_on_net': ['users_on_net', 'users_on_net'],
    'new_users': ['new_users', 'new_users_ytd'],
    'churned_users': ['churned_users', 'churned_users_ytd'],
    'net_adds': ['new_users - churned_users', 'new_users_ytd - churned_users_ytd'],
    'churn_rate': [
        divide_exact('churned_users', 'previous_users_on_net', scale=6),
        divide_exact('churned_users_rated_ytd', 'previous_users_on_net_ytd', scale=6),
    ],
    'billed_revenue': [fen_to_yuan('billed_revenue_fen'), fen_to_yuan('billed_revenue_fen_ytd')],
    'late_fee_revenue': [fen_to_yuan('late_fee_fen'), fen_to_yuan('late_fee_fen_ytd')],
    'arpu': [
        divide_exact('billed_revenue_fen', 'billed_users * 100', scale=2),
        divide_exact('billed_revenue_fen_ytd', 'billed_users_ytd * 100', scale=2),
    ],
    'calls': ['calls', 'calls_ytd'],
    'voice_minutes': [seconds_to_minutes('voice_seconds'), seconds_to_minutes('voice_seconds_ytd')],
    'billed_minutes': [
        tenths_to_minutes('billed_tenth_minutes'), tenths_to_minutes('billed_tenth_minutes_ytd'),
    ],
    'mou': [
        divide_exact('voice_seconds', 'billed_users * 60', scale=4),
        divide_exact('voice_seconds_ytd', 'billed_users_ytd * 60', scale=4),
    ],
    'sms_sent': ['sms_sent', 'sms_sent_ytd'],
    'data_mb': [kb_to_mb('data_kb'), kb_to_mb('data_kb_ytd')],
    'dou': [
        divide_exact('data_kb', 'billed_users * 1024', scale=4),
        divide_exact('data_kb_ytd', 'billed_users_ytd * 1024', scale=4),
    ],
} %}
{%- set finance_indicators = {
    'collected': ['collected', 'collected_ytd'],
    'bad_debt': ['bad_debt', 'bad_debt_ytd'],
    'arrears': ['arrears', 'arrears'],
    'doubtful_debt': ['doubtful_debt', 'doubtful_debt'],
} %}
with

parts as (
    select * from {{ ref('int_indicator_parts_ytd') }}
),

unpivoted as (
    {%- for code, values in indicators.items() %}
    select
        stat_month,
        province_code,
        city_code,
        '{{ code }}' as indicator_code,
        cast({{ values[0] }} as decimal(24, 6)) as indicator_value,
        cast({{ values[1] }} as decimal(24, 6)) as value_ytd
    from parts
    union all
    {%- endfor %}
    {%- for code, values in finance_indicators.items() %}
    select
        stat_month,
        province_code,
        city_code,
        '{{ code }}' as indicator_code,
        cast({{ values[0] }} as decimal(24, 6)) as indicator_value,
        cast({{ values[1] }} as decimal(24, 6)) as value_ytd
    from parts
    where city_code = 'ALL'
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

compared as (
    select
        unpivoted.stat_month,
        unpivoted.province_code,
        unpivoted.city_code,
        unpivoted.indicator_code,
        unpivoted.indicator_value,
        unpivoted.value_ytd,
        last_year.indicator_value as last_year_value,
        last_year.value_ytd as last_year_value_ytd
    from unpivoted
    left join unpivoted as last_year
        on
            unpivoted.province_code = last_year.province_code
            and unpivoted.city_code = last_year.city_code
            and unpivoted.indicator_code = last_year.indicator_code
            and {{ month_add('unpivoted.stat_month', -12) }} = last_year.stat_month
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        indicator_value,
        value_ytd,
        last_year_value,
        last_year_value_ytd,
        cast({{ decimal_ratio('indicator_value', 'last_year_value') }} - 1 as decimal(18, 6)) as yoy,
        cast({{ decimal_ratio('value_ytd', 'last_year_value_ytd') }} - 1 as decimal(18, 6)) as yoy_ytd
    from compared
)

select * from final
