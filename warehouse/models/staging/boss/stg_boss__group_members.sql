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
        _file_name as source_file_name,
        _line_no as source_line_no,
        _loaded_at as loaded_at,
        row_number() over (
            partition by _province_code, _data_date, group_id, user_id, join_date
            order by _loaded_at desc, _file_name desc, _line_no desc
        ) as delivery_rank
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
