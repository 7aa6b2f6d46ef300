{#- Fails with every row for which the expression is not true (false or NULL). -#}
{% test expression_is_true(model, expression, where_clause=none) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{%- if where_clause %} and ({{ where_clause }}){% endif %}

{% endtest %}
