{{ scd2_from_monthly_snapshots(
    'stg_boss__customers',
    ['cust_id'],
    ['cust_type', 'cust_name', 'cert_type', 'cert_no', 'gender', 'birth_date', 'city_code', 'create_date', 'cust_status'],
) }}
