-- One row per stat_month x province_code x city_code ('ALL' = the province) with any KPI row:
-- the additive parts of the headline indicators in M and summed over January .. M of M's year
-- (_ytd), so that flows sum, stocks are taken at M and ratios are recomputed from year-to-date
-- parts. Finance is published per province only: its columns are NULL on city rows.
{%- set summed_parts = [
    'new_users', 'churned_users', 'billed_users', 'billed_revenue_fen', 'late_fee_fen', 'calls',
    'voice_seconds', 'billed_tenth_minutes', 'sms_sent', 'data_kb',
] %}
{%- set finance_flows = ['collected', 'bad_debt'] %}
with

kpi_parts as (
    select * from {{ ref('int_kpi_parts_aggregated') }}
),

province_months as (
    select * from {{ ref('int_province_months') }}
),

finance as (
    select * from {{ ref('finance_monthly') }}
),

city_parts as (
    select
        stat_month,
        province_code,
        city_code,
        'city' as level,
        {%- for part in summed_parts %}
        sum({{ part }}) as {{ part }},
        {%- endfor %}
        sum(users_on_net) as users_on_net
    from kpi_parts
    group by stat_month, province_code, city_code
),

province_parts as (
    select
        stat_month,
        province_code,
        'ALL' as city_code,
        'province' as level,
        {%- for part in summed_parts %}
        sum({{ part }}) as {{ part }},
        {%- endfor %}
        sum(users_on_net) as users_on_net
    from kpi_parts
    group by stat_month, province_code
),

level_parts as (
    select * from city_parts
    union all
    select * from province_parts
),

with_previous as (
    -- users on net of M-1 on the same level as kpi_monthly_rollup counts them (churn_rate's
    -- denominator): 0 for a level without a row in M-1, NULL without a USER snapshot of M-1
    select
        level_parts.*,
        case
            when previous_snapshots.has_user_snapshot then coalesce(previous_parts.users_on_net, 0)
        end as previous_users_on_net
    from level_parts
    left join province_months as previous_snapshots
        on
            level_parts.province_code = previous_snapshots.province_code
            and {{ month_add('level_parts.stat_month', -1) }} = previous_snapshots.stat_month
    left join level_parts as previous_parts
        on
            level_parts.province_code = previous_parts.province_code
            and level_parts.city_code = previous_parts.city_code
            and {{ month_add('level_parts.stat_month', -1) }} = previous_parts.stat_month
),

joined as (
    -- the churned users of months with a denominator, and the province's finance figures in
    -- yuan (exact: fen / 100)
    select
        with_previous.*,
        case when with_previous.previous_users_on_net is not null then with_previous.churned_users end
            as churned_users_rated,
        finance.collected,
        finance.bad_debt,
        finance.arrears,
        finance.doubtful_debt
    from with_previous
    left join finance
        on
            with_previous.level = 'province'
            and with_previous.stat_month = finance.stat_month
            and with_previous.province_code = finance.province_code
),

year_to_date as (
    select
        {%- for part in summed_parts + finance_flows + ['previous_users_on_net', 'churned_users_rated'] %}
        sum(joined.{{ part }}) over (
            partition by joined.province_code, joined.city_code, substring(joined.stat_month, 1, 4)
            order by joined.stat_month
            rows between unbounded preceding and current row
        ) as {{ part }}_ytd,
        {%- endfor %}
        joined.*
    from joined
),

final as (
    select
        cast(substring(stat_month, 1, 4) as {{ dbt.type_string() }}) as stat_year,
        *
    from year_to_date
)

select * from final
