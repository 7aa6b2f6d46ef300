-- Published: the plan against the actuals (考核); one row per stat_month x province_code x
-- city_code ('ALL' = the province) x indicator of indicator_ytd. completion_month = actual /
-- the month's target, completion_year = actual_ytd / the whole-year target (TARGET month '00');
-- a target never delivered (or of 0) gives NULL completion, never 0. A target of the province is
-- compared with the province's value, never with the sum of city targets. time_progress = days
-- from January 1 to the end of M / days in the year; rank_in_province: cities of the province by
-- completion_year, 1 = highest, ties share a rank (1, 1, 3); NULL without a completion.
with

values_ytd as (
    select * from {{ ref('indicator_ytd') }}
),

targets as (
    select * from {{ ref('stg_boss__targets') }}
),

planned as (
    select
        values_ytd.stat_month,
        values_ytd.province_code,
        values_ytd.city_code,
        values_ytd.indicator_code as indicator,
        values_ytd.indicator_value as actual,
        month_targets.target_value as target_month,
        values_ytd.value_ytd as actual_ytd,
        year_targets.target_value as target_year,
        values_ytd.yoy,
        values_ytd.yoy_ytd
    from values_ytd
    left join targets as month_targets
        on
            values_ytd.province_code = month_targets.province_code
            and values_ytd.city_code = month_targets.city_code
            and values_ytd.indicator_code = month_targets.indicator_code
            and substring(values_ytd.stat_month, 1, 4) = month_targets.plan_year
            and substring(values_ytd.stat_month, 5, 2) = month_targets.plan_month
    left join targets as year_targets
        on
            values_ytd.province_code = year_targets.province_code
            and values_ytd.city_code = year_targets.city_code
            and values_ytd.indicator_code = year_targets.indicator_code
            and substring(values_ytd.stat_month, 1, 4) = year_targets.plan_year
            and year_targets.plan_month = '00'
),

completed as (
    select
        planned.*,
        {{ decimal_ratio('actual', 'target_month') }} as completion_month,
        {{ decimal_ratio('actual_ytd', 'target_year') }} as completion_year,
        {{ divide_exact(days_to_month_end('stat_month'), days_in_year('stat_month'), scale=6) }}
            as time_progress
    from planned
),

ranked as (
    select
        completed.*,
        case
            when completed.city_code <> 'ALL' and completed.completion_year is not null
                then rank() over (
                        partition by
                            completed.stat_month,
                            completed.province_code,
                            completed.indicator,
                            completed.city_code = 'ALL',
                            completed.completion_year is null
                        order by completed.completion_year desc
                    )
        end as rank_in_province
    from completed
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(indicator as {{ dbt.type_string() }}) as indicator,
        actual,
        cast(target_month as decimal(24, 6)) as target_month,
        completion_month,
        actual_ytd,
        cast(target_year as decimal(24, 6)) as target_year,
        completion_year,
        time_progress,
        cast(completion_year - time_progress as decimal(18, 6)) as progress_gap,
        cast(rank_in_province as {{ dbt.type_bigint() }}) as rank_in_province,
        yoy,
        yoy_ytd
    from ranked
)

select * from final
