"""Who may see the metrics: the dashboard shows counts only; drill-downs show case records."""

from common import roles

DASHBOARD_ROLES = (roles.ADMINISTRATOR, roles.MANAGER, roles.MODERATOR, roles.REPORT_OFFICER)
DRILLDOWN_ROLES = roles.CASE_RECORD_ROLES  # with cases.selectors.*_visible_to(user) on every list
TARGET_ROLES = (roles.ADMINISTRATOR,)
# Who exports this council's benchmark pack and imports other councils' packs (the regional view is
# DASHBOARD_ROLES: aggregate figures only).
BENCHMARK_EXCHANGE_ROLES = (roles.ADMINISTRATOR, roles.MANAGER)
