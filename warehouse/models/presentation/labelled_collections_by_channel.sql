-- collections_by_channel with the names of its province and payment channel.
with

collections_by_channel as (
    select * from {{ ref('collections_by_channel') }}
),

provinces as (
    select * from {{ ref('province_names') }}
),

final as (
    select
        collections_by_channel.stat_month,
        collections_by_channel.province_code,
        {{ label_or_code('provinces.province_name_zh', 'collections_by_channel.province_code') }} as province_name,
        collections_by_channel.pay_channel,
        {{ label_or_code('collections_by_channel.pay_channel_name_zh', 'collections_by_channel.pay_channel') }} as pay_channel_name,
        collections_by_channel.collected,
        collections_by_channel.payment_count
    from collections_by_channel
    left join provinces
        on collections_by_channel.province_code = provinces.province_code
)

select * from final
