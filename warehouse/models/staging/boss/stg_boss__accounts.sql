with

lake_rows as (
    select * from {{ lake_source('acct') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as snapshot_month,
        acct_id,
        cust_id,
        acct_name,
        pay_method,
        bank_code,
        create_date,
        {{ lineage_renamed() }},
        {{ delivery_rank(['_data_date', 'acct_id']) }}
    from lake_rows
),

final as (
    select
        province_code,
        snapshot_month,
        acct_id,
        cust_id,
        acct_name,
        pay_method,
        case pay_method
            when 'CASH' then '现金'
            when 'BANK' then '托收'
            when 'AGENT' then '代收'
        end as pay_method_name_zh,
        case pay_method
            when 'CASH' then 'Cash'
            when 'BANK' then 'Bank collection'
            when 'AGENT' then 'Agent collection'
        end as pay_method_name_en,
        bank_code,
        create_date,
        source_file_name,
        source_line_no,
        loaded_at
    from renamed
    where delivery_rank = 1
)

select * from final
