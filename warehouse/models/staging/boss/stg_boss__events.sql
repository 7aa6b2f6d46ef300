with

lake_rows as (
    select * from {{ lake_source('event') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as data_date,
        event_id,
        user_id,
        event_type,
        event_time,
        cast(event_time as date) as event_date,
        {{ month_of('event_time') }} as event_month,
        channel_id,
        staff_id,
        old_value,
        new_value,
        {{ lineage_renamed() }},
        {{ delivery_rank(['event_id']) }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.data_date,
        renamed.event_id,
        renamed.user_id,
        renamed.event_type,
        event_types.event_type_name_zh,
        event_types.event_type_name_en,
        renamed.event_time,
        renamed.event_date,
        renamed.event_month,
        renamed.channel_id,
        renamed.staff_id,
        renamed.old_value,
        renamed.new_value,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join event_types
        on renamed.event_type = event_types.event_type
    where renamed.delivery_rank = 1
)

select * from final
