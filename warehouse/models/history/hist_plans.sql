{{ scd2_from_monthly_snapshots(
    'stg_boss__plans',
    ['plan_id'],
    ['plan_name', 'brand', 'monthly_fee_fen', 'free_voice_minutes', 'free_data_mb', 'free_sms_count', 'eff_date', 'exp_date'],
) }}
