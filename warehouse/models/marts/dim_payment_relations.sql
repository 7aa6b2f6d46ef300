-- One row per current payment relation (province, user_id, acct_id, item_class, eff_date): the
-- many-to-many bridge 客户—用户—账户, with the user's and the account's customers.
with

payment_relations as (
    select * from {{ ref('hist_payment_relations') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

final as (
    select
        payment_relations.province_code,
        payment_relations.user_id,
        payment_relations.acct_id,
        payment_relations.item_class,
        payment_relations.eff_date,
        payment_relations.exp_date,
        payment_relations.share_pct,
        payment_relations.priority,
        users.cust_id as user_cust_id,
        accounts.cust_id as acct_cust_id,
        coalesce(users.cust_id = accounts.cust_id, false) as is_same_customer,
        payment_relations.valid_from_month,
        payment_relations.last_seen_month
    from payment_relations
    left join users
        on
            payment_relations.province_code = users.province_code
            and payment_relations.user_id = users.user_id
    left join accounts
        on
            payment_relations.province_code = accounts.province_code
            and payment_relations.acct_id = accounts.acct_id
    where payment_relations.is_current
)

select * from final
