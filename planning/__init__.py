"""Plans (考核目标) as managers keep them: an Excel workbook in, a TARGET delivery out.

``template`` writes the workbook a planning department fills in (one sheet per level: the
province, then each city; the indicators in rows with their Chinese names and units from the
warehouse's dictionary; the months and the whole year in columns). ``import_workbook`` checks a
filled-in workbook completely (every problem listed by sheet, cell and reason) and, only when it
has none, lands it in landing/ as a TARGET delivery (data file, then check file: interfaces.md
§1), so the plan goes through ingestion, the load log and the lineage like any BOSS extract.
"""

from planning.importer import PlanProblem, PlanRejected, import_workbook
from planning.template import template

__all__ = ["PlanProblem", "PlanRejected", "import_workbook", "template"]
