-- Report: one row per stat_month, province_code and city_code that has a kpi_monthly_rollup city
-- row in M or in M-1, for every month of the all level: the city's figures of M, its users on net
-- and billed revenue of M-1 and the changes against M-1 (a city without a row in a month counts 0
-- in that month), its revenue change rate, and its rank by billed revenue among its province's
-- cities and among every province's cities of M (NULL for a city without a row in M).
with

rollup as (
    select * from {{ ref('kpi_monthly_rollup') }}
),

cities as (
    select * from rollup
    where level = 'city'
),

months as (
    select distinct stat_month from rollup
    where level = 'all'
),

cities_of_month as (
    -- the cities of M and those of M-1, for every month M
    select
        stat_month,
        province_code,
        city_code
    from cities
    union
    select
        months.stat_month,
        cities.province_code,
        cities.city_code
    from months
    inner join cities
        on {{ month_add('months.stat_month', -1) }} = cities.stat_month
),

compared as (
    select
        cities_of_month.stat_month,
        cities_of_month.province_code,
        cities_of_month.city_code,
        this_month.users_on_net,
        this_month.net_adds,
        this_month.churn_rate,
        this_month.billed_revenue,
        this_month.arpu,
        previous_month.users_on_net as previous_users_on_net,
        previous_month.billed_revenue as previous_billed_revenue,
        coalesce(this_month.users_on_net, 0) - coalesce(previous_month.users_on_net, 0) as users_on_net_change,
        coalesce(this_month.billed_revenue, 0) - coalesce(previous_month.billed_revenue, 0) as billed_revenue_change,
        this_month.city_code is not null as is_ranked
    from cities_of_month
    left join cities as this_month
        on
            cities_of_month.province_code = this_month.province_code
            and cities_of_month.city_code = this_month.city_code
            and cities_of_month.stat_month = this_month.stat_month
    left join cities as previous_month
        on
            cities_of_month.province_code = previous_month.province_code
            and cities_of_month.city_code = previous_month.city_code
            and {{ month_add('cities_of_month.stat_month', -1) }} = previous_month.stat_month
),

ranked as (
    select
        *,
        row_number() over (
            partition by stat_month, province_code, is_ranked
            order by billed_revenue desc, users_on_net desc, city_code asc
        ) as province_rank,
        row_number() over (
            partition by stat_month, is_ranked
            order by billed_revenue desc, users_on_net desc, province_code asc, city_code asc
        ) as overall_rank
    from compared
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(case when is_ranked then province_rank end as {{ dbt.type_bigint() }}) as province_rank,
        cast(case when is_ranked then overall_rank end as {{ dbt.type_bigint() }}) as overall_rank,
        users_on_net,
        net_adds,
        churn_rate,
        billed_revenue,
        arpu,
        cast(previous_users_on_net as {{ dbt.type_bigint() }}) as previous_users_on_net,
        cast(previous_billed_revenue as decimal(18, 2)) as previous_billed_revenue,
        cast(users_on_net_change as {{ dbt.type_bigint() }}) as users_on_net_change,
        cast(billed_revenue_change as decimal(18, 2)) as billed_revenue_change,
        {{ divide_exact(
            'cast(billed_revenue_change * 100 as ' ~ dbt.type_bigint() ~ ')',
            'abs(cast(previous_billed_revenue * 100 as ' ~ dbt.type_bigint() ~ '))',
            scale=6
        ) }} as billed_revenue_mom_rate
    from ranked
)

select * from final
