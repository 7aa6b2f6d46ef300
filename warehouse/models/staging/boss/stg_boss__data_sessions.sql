-- No de-duplication window here (unlike the low-volume interfaces): cdr_id is unique per delivery
-- and a re-delivery replaces its predecessor in the lake, and a window over every CDR would stop
-- filters on the record time from reaching the Parquet scan. The unique test on the key guards it.
with

lake_rows as (
    select * from {{ lake_source('data') }}
),

roam_types as (
    select * from {{ ref('roam_types') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as data_date,
        cdr_id,
        user_id,
        msisdn,
        start_time,
        cast(start_time as date) as usage_date,
        {{ month_of('start_time') }} as usage_month,
        duration_s as duration_seconds,
        up_kb,
        down_kb,
        coalesce(up_kb, 0) + coalesce(down_kb, 0) as total_kb,
        apn,
        rat,
        roam_type,
        fee_fen,
        {{ lineage_renamed() }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.data_date,
        renamed.cdr_id,
        renamed.user_id,
        renamed.msisdn,
        renamed.start_time,
        renamed.usage_date,
        renamed.usage_month,
        renamed.duration_seconds,
        renamed.up_kb,
        renamed.down_kb,
        renamed.total_kb,
        renamed.apn,
        renamed.rat,
        renamed.roam_type,
        roam_types.roam_type_name_zh,
        roam_types.roam_type_name_en,
        renamed.fee_fen,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join roam_types
        on renamed.roam_type = roam_types.roam_type
)

select * from final
