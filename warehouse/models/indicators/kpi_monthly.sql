-- Published: one row per stat_month, province_code, city_code and brand with any subscriber,
-- event, bill or usage. Definitions: docs/indicators (indicators.md) and indicators.dictionary.
with

kpi_parts as (
    select * from {{ ref('int_kpi_parts_aggregated') }}
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(city_code as {{ dbt.type_string() }}) as city_code,
        cast(brand as {{ dbt.type_string() }}) as brand,
        {{ kpi_columns_from_parts() }}
    from kpi_parts
)

select * from final
