-- collections_by_channel with the names of its province and payment channel.
{%- set places = ['province'] %}

with

collections_by_channel as (
    select * from {{ ref('collections_by_channel') }}
),

{{ place_name_ctes(places) }}

final as (
    select
        collections_by_channel.stat_month,
        {{ place_names('collections_by_channel', places) }},
        collections_by_channel.pay_channel,
        {{ label_or_code('collections_by_channel.pay_channel_name_zh', 'collections_by_channel.pay_channel') }} as pay_channel_name,
        collections_by_channel.collected,
        collections_by_channel.payment_count
    from collections_by_channel
    {{ place_name_joins('collections_by_channel', places) }}
)

select * from final
