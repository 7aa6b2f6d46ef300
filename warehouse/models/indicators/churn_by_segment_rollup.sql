-- Report: churn_by_segment with the all-provinces level, one row per stat_month, level
-- ('province', 'all'), province_code ('ALL' on the all level), segment_type and segment_value.
-- The all level adds up the provinces' users on net of M-1 and churned users and recomputes the
-- churn rate from those sums (never an average of the provinces' rates).
with

churn as (
    select * from {{ ref('churn_by_segment') }}
),

levels as (
    select
        'province' as level,
        stat_month,
        province_code,
        segment_type,
        segment_value,
        previous_users_on_net,
        churned_users
    from churn
    union all
    select
        'all' as level,
        stat_month,
        'ALL' as province_code,
        segment_type,
        segment_value,
        sum(previous_users_on_net) as previous_users_on_net,
        sum(churned_users) as churned_users
    from churn
    group by stat_month, segment_type, segment_value
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(level as {{ dbt.type_string() }}) as level,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(segment_type as {{ dbt.type_string() }}) as segment_type,
        cast(segment_value as {{ dbt.type_string() }}) as segment_value,
        cast(previous_users_on_net as {{ dbt.type_bigint() }}) as previous_users_on_net,
        cast(churned_users as {{ dbt.type_bigint() }}) as churned_users,
        {{ divide_exact('churned_users', 'previous_users_on_net', scale=6) }} as churn_rate
    from levels
)

select * from final
