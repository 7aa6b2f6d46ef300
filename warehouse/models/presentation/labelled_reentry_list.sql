-- The re-entry list with the names of its province, city and brand.
{%- set places = ['province', 'city', 'brand'] %}

with

reentry_list as (
    select * from {{ ref('reentry_list') }}
),

{{ place_name_ctes(places) }}

final as (
    select
        reentry_list.stat_month,
        {{ place_names('reentry_list', places) }},
        reentry_list.event_id,
        reentry_list.user_id,
        reentry_list.opened_at,
        reentry_list.channel_id,
        reentry_list.cancelled_user_id,
        reentry_list.cancelled_at,
        reentry_list.days_since_cancel
    from reentry_list
    {{ place_name_joins('reentry_list', places) }}
)

select * from final
