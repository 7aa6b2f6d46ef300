-- Dashboard: one row per stat_month, province_code, city_code, brand, plan_id, channel_type and
-- tenure_band with any user-month: users on net, new, churned, pre-cancelled and re-entry users and
-- billed revenue. Summed here from fct_user_months (one row per user and month) so that the
-- dashboards read a table that grows with cities x months x segments, not with users.
with

user_months as (
    select * from {{ ref('fct_user_months') }}
),

channels as (
    select * from {{ ref('dim_channels') }}
),

tenure_bands as (
    select * from {{ ref('tenure_bands') }}
),

segmented as (
    -- the channel type as the channel is now (dim_channels), one row per channel_id; one tenure
    -- band holds every tenure (tests/assert_tenure_bands_tile_the_months.sql)
    select
        user_months.stat_month,
        user_months.province_code,
        user_months.city_code,
        user_months.brand,
        coalesce(user_months.plan_id, 'UNKNOWN') as plan_id,
        coalesce(channels.channel_type, 'UNKNOWN') as channel_type,
        tenure_bands.tenure_band,
        {{ kpi_parts_of_user_month('user_months') }}
    from user_months
    left join channels
        on
            user_months.province_code = channels.province_code
            and user_months.channel_id = channels.channel_id
    left join tenure_bands
        on {{ in_tenure_band('tenure_bands', 'user_months.tenure_months') }}
),

summed as (
    -- every part is summed; the table publishes the user counts and the revenue
    select
        stat_month,
        province_code,
        city_code,
        brand,
        plan_id,
        channel_type,
        tenure_band,
        {{ kpi_parts_summed() }}
    from segmented
    group by stat_month, province_code, city_code, brand, plan_id, channel_type, tenure_band
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(brand as {{ dbt.type_string() }}) as brand,
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(channel_type as {{ dbt.type_string() }}) as channel_type,
        cast(tenure_band as {{ dbt.type_string() }}) as tenure_band,
        cast(users_on_net as {{ dbt.type_bigint() }}) as users_on_net,
        cast(new_users as {{ dbt.type_bigint() }}) as new_users,
        cast(churned_users as {{ dbt.type_bigint() }}) as churned_users,
        cast(precancel_users as {{ dbt.type_bigint() }}) as precancel_users,
        cast(reentry_users as {{ dbt.type_bigint() }}) as reentry_users,
        {{ fen_to_yuan('billed_revenue_fen') }} as billed_revenue
    from summed
)

select * from final
