with

lake_rows as (
    select * from {{ lake_source('cust') }}
),

cities as (
    select * from {{ ref('cities') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as snapshot_month,
        cust_id,
        cust_type,
        cust_name,
        cert_type,
        cert_no,
        gender,
        birth_date,
        city_code,
        create_date,
        cust_status,
        {{ lineage_renamed() }},
        {{ delivery_rank(['_data_date', 'cust_id']) }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.snapshot_month,
        renamed.cust_id,
        renamed.cust_type,
        case renamed.cust_type when '1' then '个人' when '2' then '集团' end as cust_type_name_zh,
        case renamed.cust_type when '1' then 'Individual' when '2' then 'Group' end as cust_type_name_en,
        renamed.cust_name,
        renamed.cert_type,
        renamed.cert_no,
        renamed.gender,
        renamed.birth_date,
        renamed.city_code,
        cities.city_name_zh,
        cities.city_name_en,
        renamed.create_date,
        renamed.cust_status,
        renamed.cust_status = '1' as is_active,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join cities
        on renamed.city_code = cities.city_code
    where renamed.delivery_rank = 1
)

select * from final
