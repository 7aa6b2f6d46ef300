-- Published: the indicator dictionary (指标字典), one row per published indicator: Chinese and
-- English name, definition, formula, unit, grain, the published tables and the source models.
with

indicator_dictionary as (
    select * from {{ ref('indicator_dictionary') }}
),

final as (
    select
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        cast(name_zh as {{ dbt.type_string() }}) as name_zh,
        cast(name_en as {{ dbt.type_string() }}) as name_en,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(definition as {{ dbt.type_string() }}) as definition,
        cast(formula as {{ dbt.type_string() }}) as formula,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(grain as {{ dbt.type_string() }}) as grain,
        cast(published_in as {{ dbt.type_string() }}) as published_in,
        cast(source_models as {{ dbt.type_string() }}) as source_models
    from indicator_dictionary
)

select * from final
