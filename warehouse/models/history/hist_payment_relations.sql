{{ scd2_from_monthly_snapshots(
    'stg_boss__payment_relations',
    ['user_id', 'acct_id', 'item_class', 'eff_date'],
    ['share_pct', 'priority', 'exp_date'],
) }}
