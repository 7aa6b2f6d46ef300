{#- Fails with one row per key combination that occurs more than once (a composite primary key).
    dbt_utils is not installable here (no `dbt deps`), so the project keeps its own. -#}
{% test unique_combination(model, combination_of_columns) %}

with counted as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
)

select *
from counted
where occurrences > 1

{% endtest %}
