with

lake_rows as (
    select * from {{ lake_source('bill') }}
),

item_classes as (
    select * from {{ ref('item_classes') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as data_date,
        bill_month,
        acct_id,
        user_id,
        item_code,
        item_class,
        standard_fee_fen,
        discount_fen,
        actual_fee_fen,
        {{ lineage_renamed() }},
        {{ delivery_rank(['bill_month', 'acct_id', 'user_id', 'item_code']) }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.data_date,
        renamed.bill_month,
        renamed.acct_id,
        renamed.user_id,
        renamed.item_code,
        renamed.item_class,
        item_classes.item_class_name_zh,
        item_classes.item_class_name_en,
        coalesce(renamed.item_class, '') = 'LATEFEE' as is_late_fee,
        renamed.standard_fee_fen,
        renamed.discount_fen,
        renamed.actual_fee_fen,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join item_classes
        on renamed.item_class = item_classes.item_class
    where renamed.delivery_rank = 1
)

select * from final
