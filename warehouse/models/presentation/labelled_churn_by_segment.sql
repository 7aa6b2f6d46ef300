-- churn_by_segment with the names of its segmentation, segment and province: a tenure band or
-- brand from its seed, a plan or channel from its dimension.
{%- set places = ['province'] %}
{%- set segment_label -%}
    case churn_by_segment.segment_type
        when 'tenure' then tenure_bands.tenure_band_name_zh
        when 'brand' then brands.brand_name_zh
        when 'plan' then plans.plan_name
        when 'channel' then channels.channel_name
    end
{%- endset %}

with

churn_by_segment as (
    select * from {{ ref('churn_by_segment') }}
),

{{ place_name_ctes(places) }}

segment_types as (
    select * from {{ ref('segment_types') }}
),

tenure_bands as (
    select * from {{ ref('tenure_bands') }}
),

brands as (
    select * from {{ ref('brands') }}
),

plans as (
    select * from {{ ref('dim_plans') }}
),

channels as (
    select * from {{ ref('dim_channels') }}
),

final as (
    select
        churn_by_segment.stat_month,
        {{ place_names('churn_by_segment', places) }},
        churn_by_segment.segment_type,
        {{ label_or_code('segment_types.segment_type_name_zh', 'churn_by_segment.segment_type') }} as segment_type_name,
        churn_by_segment.segment_value,
        {{ label_or_code(segment_label, 'churn_by_segment.segment_value') }} as segment_name,
        churn_by_segment.previous_users_on_net,
        churn_by_segment.churned_users,
        churn_by_segment.churn_rate
    from churn_by_segment
    {{ place_name_joins('churn_by_segment', places) }}
    left join segment_types
        on churn_by_segment.segment_type = segment_types.segment_type
    left join tenure_bands
        on
            churn_by_segment.segment_type = 'tenure'
            and churn_by_segment.segment_value = tenure_bands.tenure_band
    left join brands
        on
            churn_by_segment.segment_type = 'brand'
            and churn_by_segment.segment_value = brands.brand
    left join plans
        on
            churn_by_segment.segment_type = 'plan'
            and churn_by_segment.province_code = plans.province_code
            and churn_by_segment.segment_value = plans.plan_id
    left join channels
        on
            churn_by_segment.segment_type = 'channel'
            and churn_by_segment.province_code = channels.province_code
            and churn_by_segment.segment_value = channels.channel_id
)

select * from final
