with

lake_rows as (
    select * from {{ lake_source('gmember') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as snapshot_month,
        group_id,
        user_id,
        join_date,
        leave_date,
        group_pays,
        {{ lineage_renamed() }},
        {{ delivery_rank(['_data_date', 'group_id', 'user_id', 'join_date']) }}
    from lake_rows
),

final as (
    select
        province_code,
        snapshot_month,
        group_id,
        user_id,
        join_date,
        leave_date,
        group_pays = '1' as is_paid_by_group,
        source_file_name,
        source_line_no,
        loaded_at
    from renamed
    where delivery_rank = 1
)

select * from final
