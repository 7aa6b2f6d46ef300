{{ scd2_from_monthly_snapshots(
    'stg_boss__accounts',
    ['acct_id'],
    ['cust_id', 'acct_name', 'pay_method', 'bank_code', 'create_date'],
) }}
