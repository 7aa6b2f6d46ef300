{{ scd2_from_monthly_snapshots(
    'stg_boss__users',
    ['user_id'],
    ['cust_id', 'msisdn', 'brand', 'plan_id', 'pay_mode', 'open_date', 'user_status', 'status_date', 'channel_id', 'city_code'],
) }}
