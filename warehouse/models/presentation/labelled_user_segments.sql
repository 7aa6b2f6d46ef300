-- users_by_segment with the names of its province, city, brand, plan, channel type and tenure band.
{%- set places = ['province', 'city', 'brand'] %}

with

users_by_segment as (
    select * from {{ ref('users_by_segment') }}
),

{{ place_name_ctes(places) }}

plans as (
    select * from {{ ref('dim_plans') }}
),

channel_types as (
    select * from {{ ref('channel_types') }}
),

tenure_bands as (
    select * from {{ ref('tenure_bands') }}
),

final as (
    select
        users_by_segment.stat_month,
        {{ month_start_date('users_by_segment.stat_month') }} as month_start,
        {{ place_names('users_by_segment', places) }},
        users_by_segment.plan_id,
        {{ label_or_code('plans.plan_name', 'users_by_segment.plan_id') }} as plan_name,
        users_by_segment.channel_type,
        {{ label_or_code('channel_types.channel_type_name_zh', 'users_by_segment.channel_type') }} as channel_type_name,
        users_by_segment.tenure_band,
        {{ label_or_code('tenure_bands.tenure_band_name_zh', 'users_by_segment.tenure_band') }} as tenure_band_name,
        users_by_segment.users_on_net,
        users_by_segment.new_users,
        users_by_segment.churned_users,
        users_by_segment.precancel_users,
        users_by_segment.reentry_users,
        users_by_segment.billed_revenue
    from users_by_segment
    {{ place_name_joins('users_by_segment', places) }}
    left join plans
        on
            users_by_segment.province_code = plans.province_code
            and users_by_segment.plan_id = plans.plan_id
    left join channel_types
        on users_by_segment.channel_type = channel_types.channel_type
    left join tenure_bands
        on users_by_segment.tenure_band = tenure_bands.tenure_band
)

select * from final
