-- Dashboard: one row per stat_month, province_code and channel_type with any acquisition or
-- collection: new users acquired (OPEN events through a channel of that type, as of M), re-entries
-- among them, and collections by pay_channel (AUTO = bank collection).
with

events as (
    select * from {{ ref('fct_lifecycle_events') }}
),

channel_history as (
    select * from {{ ref('hist_channels') }}
),

payments as (
    select * from {{ ref('fct_payments') }}
),

acquisitions as (
    select
        events.province_code,
        events.event_month as stat_month,
        coalesce(channel_history.channel_type, 'UNKNOWN') as channel_type,
        count(distinct events.user_id) as acquisitions,
        count(distinct case when events.is_reentry then events.user_id end) as reentry_acquisitions
    from events
    left join channel_history
        on
            events.province_code = channel_history.province_code
            and events.channel_id = channel_history.channel_id
            and {{ valid_in_month('channel_history', 'events.event_month') }}
    where events.event_type = 'OPEN' and events.event_month is not null
    group by events.province_code, events.event_month, coalesce(channel_history.channel_type, 'UNKNOWN')
),

collections as (
    select
        province_code,
        pay_month as stat_month,
        pay_channel as channel_type,
        sum(amount_fen) as collected_fen,
        count(*) as payment_count
    from payments
    where not is_writeoff and pay_month is not null
    group by province_code, pay_month, pay_channel
),

keys as (
    select
        province_code,
        stat_month,
        channel_type
    from acquisitions
    union
    select
        province_code,
        stat_month,
        channel_type
    from collections
),

final as (
    select
        cast(keys.stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(keys.province_code as {{ dbt.type_string() }}) as province_code,
        cast(keys.channel_type as {{ dbt.type_string() }}) as channel_type,
        cast(coalesce(acquisitions.acquisitions, 0) as {{ dbt.type_bigint() }}) as acquisitions,
        cast(coalesce(acquisitions.reentry_acquisitions, 0) as {{ dbt.type_bigint() }}) as reentry_acquisitions,
        {{ fen_to_yuan('coalesce(collections.collected_fen, 0)') }} as collected,
        cast(coalesce(collections.payment_count, 0) as {{ dbt.type_bigint() }}) as payment_count
    from keys
    left join acquisitions
        on
            keys.province_code = acquisitions.province_code
            and keys.stat_month = acquisitions.stat_month
            and keys.channel_type = acquisitions.channel_type
    left join collections
        on
            keys.province_code = collections.province_code
            and keys.stat_month = collections.stat_month
            and keys.channel_type = collections.channel_type
)

select * from final
