-- Dashboard: one row per stat_month, province_code, segment_type (tenure, plan, channel, brand)
-- and segment_value: users on net at M-1 in the segment (by their M-1 attributes), users of the
-- segment (by their M attributes) with a CANCEL event in M, and the churn rate.
with

user_months as (
    select * from {{ ref('fct_user_months') }}
),

tenure_bands as (
    select * from {{ ref('tenure_bands') }}
),

segment_types as (
    select * from {{ ref('segment_types') }}
),

segmented as (
    select
        user_months.province_code,
        user_months.stat_month,
        user_months.is_on_net,
        user_months.is_churned,
        user_months.brand,
        coalesce(user_months.plan_id, 'UNKNOWN') as plan_id,
        coalesce(user_months.channel_id, 'UNKNOWN') as channel_id,
        tenure_bands.tenure_band
    from user_months
    left join tenure_bands
        on {{ in_tenure_band('tenure_bands', 'user_months.tenure_months') }}
),

unpivoted as (
    -- every user-month once per segment type of the seed, with its value in that segmentation
    select
        segmented.province_code,
        segmented.stat_month,
        segmented.is_on_net,
        segmented.is_churned,
        segment_types.segment_type,
        case segment_types.segment_type
            when 'tenure' then segmented.tenure_band
            when 'plan' then segmented.plan_id
            when 'channel' then segmented.channel_id
            when 'brand' then segmented.brand
        end as segment_value
    from segmented
    cross join segment_types
),

churned as (
    select
        province_code,
        stat_month,
        segment_type,
        segment_value,
        count(case when is_churned then 1 end) as churned_users
    from unpivoted
    group by province_code, stat_month, segment_type, segment_value
),

base as (
    select
        province_code,
        {{ month_add('stat_month', 1) }} as stat_month,
        segment_type,
        segment_value,
        count(case when is_on_net then 1 end) as previous_users_on_net
    from unpivoted
    group by province_code, stat_month, segment_type, segment_value
),

known_months as (
    select distinct
        province_code,
        stat_month
    from user_months
),

keys as (
    select
        province_code,
        stat_month,
        segment_type,
        segment_value
    from churned
    union
    select
        base.province_code,
        base.stat_month,
        base.segment_type,
        base.segment_value
    from base
    inner join known_months
        on
            base.province_code = known_months.province_code
            and base.stat_month = known_months.stat_month
),

final as (
    select
        cast(keys.stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(keys.province_code as {{ dbt.type_string() }}) as province_code,
        cast(keys.segment_type as {{ dbt.type_string() }}) as segment_type,
        cast(keys.segment_value as {{ dbt.type_string() }}) as segment_value,
        cast(coalesce(base.previous_users_on_net, 0) as {{ dbt.type_bigint() }}) as previous_users_on_net,
        cast(coalesce(churned.churned_users, 0) as {{ dbt.type_bigint() }}) as churned_users,
        {{ divide_exact('coalesce(churned.churned_users, 0)', 'base.previous_users_on_net', scale=6) }} as churn_rate
    from keys
    left join churned
        on
            keys.province_code = churned.province_code
            and keys.stat_month = churned.stat_month
            and keys.segment_type = churned.segment_type
            and keys.segment_value = churned.segment_value
    left join base
        on
            keys.province_code = base.province_code
            and keys.stat_month = base.stat_month
            and keys.segment_type = base.segment_type
            and keys.segment_value = base.segment_value
)

select * from final
