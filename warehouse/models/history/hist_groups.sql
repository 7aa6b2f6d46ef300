{{ scd2_from_monthly_snapshots(
    'stg_boss__groups',
    ['group_id'],
    ['cust_id', 'group_name', 'industry_code', 'boss_group_class', 'city_code', 'manager_id', 'employee_count', 'is_cross_province', 'is_top500_taxpayer', 'sign_date'],
) }}
