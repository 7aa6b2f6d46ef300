{#- Fails with every row where any of the given key columns is NULL. -#}
{% test not_null_combination(model, combination_of_columns) %}

select *
from {{ model }}
where
{%- for column in combination_of_columns %}
    {{ column }} is null{{ " or" if not loop.last }}
{%- endfor %}

{% endtest %}
