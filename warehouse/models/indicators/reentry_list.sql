-- Report: one row per re-entry (弃卡重入网): an OPEN event whose customer's cert_no belongs to a
-- user cancelled within the 90 days before; cert_no itself is not published.
with

reentries as (
    select * from {{ ref('int_reentries_identified') }}
),

events as (
    select * from {{ ref('fct_lifecycle_events') }}
),

final as (
    select
        cast(reentries.stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(reentries.province_code as {{ dbt.type_string() }}) as province_code,
        cast(reentries.event_id as {{ dbt.type_string() }}) as event_id,
        cast(reentries.user_id as {{ dbt.type_string() }}) as user_id,
        reentries.opened_at,
        cast(events.city_code as {{ dbt.type_string() }}) as city_code,
        cast(events.brand as {{ dbt.type_string() }}) as brand,
        cast(events.channel_id as {{ dbt.type_string() }}) as channel_id,
        cast(reentries.cancelled_province_code as {{ dbt.type_string() }}) as cancelled_province_code,
        cast(reentries.cancelled_user_id as {{ dbt.type_string() }}) as cancelled_user_id,
        reentries.cancelled_at,
        cast(reentries.days_since_cancel as {{ dbt.type_bigint() }}) as days_since_cancel
    from reentries
    left join events
        on
            reentries.province_code = events.province_code
            and reentries.event_id = events.event_id
    where reentries.is_reentry
)

select * from final
