with

lake_rows as (
    select * from {{ lake_source('payrel') }}
),

item_classes as (
    select * from {{ ref('item_classes') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as snapshot_month,
        user_id,
        acct_id,
        item_class,
        share_pct,
        priority,
        eff_date,
        exp_date,
        {{ lineage_renamed() }},
        {{ delivery_rank(['_data_date', 'user_id', 'acct_id', 'item_class', 'eff_date']) }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.snapshot_month,
        renamed.user_id,
        renamed.acct_id,
        renamed.item_class,
        item_classes.item_class_name_zh,
        item_classes.item_class_name_en,
        renamed.share_pct,
        renamed.priority,
        renamed.eff_date,
        renamed.exp_date,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join item_classes
        on renamed.item_class = item_classes.item_class
    where renamed.delivery_rank = 1
)

select * from final
