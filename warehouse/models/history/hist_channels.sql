{{ scd2_from_monthly_snapshots(
    'stg_boss__channels',
    ['channel_id'],
    ['channel_name', 'channel_type', 'city_code'],
) }}
