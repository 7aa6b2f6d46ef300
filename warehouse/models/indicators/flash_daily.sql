-- Weekly flash: one row per day, level ('province', 'all') and province_code ('ALL' on the all
-- level) with any usage, open, cancel or collection that day: active users and traffic (as
-- traffic_by_day), distinct users opened and cancelled, and collections (write-offs excluded).
{%- set measures = ['active_users', 'calls', 'voice_minutes', 'sms_sent', 'data_mb', 'opens', 'cancels', 'collected_fen'] %}

with

traffic as (
    select
        usage_date as flash_date,
        province_code,
        active_users,
        calls,
        voice_minutes,
        sms_sent,
        data_mb,
        0 as opens,
        0 as cancels,
        0 as collected_fen
    from {{ ref('traffic_by_day') }}
),

lifecycle as (
    select
        event_date as flash_date,
        province_code,
        0 as active_users,
        0 as calls,
        0 as voice_minutes,
        0 as sms_sent,
        0 as data_mb,
        count(distinct case when event_type = 'OPEN' then user_id end) as opens,
        count(distinct case when event_type = 'CANCEL' then user_id end) as cancels,
        0 as collected_fen
    from {{ ref('fct_lifecycle_events') }}
    where event_type in ('OPEN', 'CANCEL') and event_date is not null
    group by event_date, province_code
),

collections as (
    select
        pay_date as flash_date,
        province_code,
        0 as active_users,
        0 as calls,
        0 as voice_minutes,
        0 as sms_sent,
        0 as data_mb,
        0 as opens,
        0 as cancels,
        sum(amount_fen) as collected_fen
    from {{ ref('fct_payments') }}
    where pay_type <> 'WRITEOFF' and pay_date is not null
    group by pay_date, province_code
),

by_province as (
    select
        flash_date,
        province_code,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from (
        select * from traffic
        union all
        select * from lifecycle
        union all
        select * from collections
    ) as days
    group by flash_date, province_code
),

levels as (
    select
        'province' as level,
        by_province.*
    from by_province
    union all
    select
        'all' as level,
        flash_date,
        'ALL' as province_code,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from by_province
    group by flash_date
),

final as (
    select
        cast(flash_date as date) as flash_date,
        cast(level as {{ dbt.type_string() }}) as level,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(active_users as {{ dbt.type_bigint() }}) as active_users,
        cast(opens as {{ dbt.type_bigint() }}) as opens,
        cast(cancels as {{ dbt.type_bigint() }}) as cancels,
        cast(calls as {{ dbt.type_bigint() }}) as calls,
        cast(voice_minutes as decimal(18, 4)) as voice_minutes,
        cast(sms_sent as {{ dbt.type_bigint() }}) as sms_sent,
        cast(data_mb as decimal(18, 4)) as data_mb,
        {{ fen_to_yuan('collected_fen') }} as collected
    from levels
)

select * from final
